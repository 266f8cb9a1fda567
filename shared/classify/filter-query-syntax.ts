/**
 * The syntax of a subscriber filter (see `compileFilterQuery`): its words, phrases and operators
 * read into a tree, every error a `FilterQueryError` with its offset. Apart from the matcher, so
 * that code storing a filter (the HTTP API) checks it without carrying the matcher.
 */
import { FilterQueryError } from './errors.ts';
import { parsePhrase, type PatternWord } from './phrase.ts';

/** Longest query accepted, in characters, and most terms in one query. */
export const MAX_QUERY_LENGTH = 500;
const MAX_QUERY_TERMS = 50;

export type FieldScope = 'any' | 'title' | 'summary';

export type QueryNode =
  | { kind: 'term'; term: number }
  | { kind: 'not'; operand: QueryNode }
  | { kind: 'and' | 'or'; operands: QueryNode[] };

interface Token {
  kind: 'word' | 'phrase' | 'and' | 'or' | 'not' | 'open' | 'close';
  text: string;
  field: FieldScope;
  at: number;
}

const FIELD_PREFIX = /^(title|summary):/i;

/**
 * Checks a subscriber filter exactly as `compileFilterQuery` does (the same `FilterQueryError`s)
 * without building its matcher: all that storing a filter needs, so the HTTP API's bundle
 * carries neither the matcher nor the text cleaning it reads items with.
 */
export function checkFilterQuery(query: string): void {
  parseFilterQuery(query, () => {});
}

/** The query's tree and terms; `onTerm` receives each term's words as it is read (ids in order). */
export function parseFilterQuery(
  query: string,
  onTerm: (words: PatternWord[], hyphenJoins: boolean[], id: number) => void,
): { root: QueryNode; terms: Array<{ text: string; field: FieldScope }> } {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new FilterQueryError(`filter query invalid: longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  }
  const tokens = lex(query);
  if (tokens.length === 0) throw new FilterQueryError('filter query invalid: empty', 0);
  const terms: Array<{ text: string; field: FieldScope }> = [];
  const parser = new Parser(query, tokens, (token) => {
    if (terms.length >= MAX_QUERY_TERMS) {
      throw new FilterQueryError(`filter query invalid: more than ${MAX_QUERY_TERMS} terms (at ${token.at})`, token.at);
    }
    const parsed = parsePhrase(token.text);
    if ('error' in parsed || parsed.parts.some((p) => p.kind === 'class')) {
      const why = 'error' in parsed ? parsed.error : 'lexicon classes (@name) are for topic files';
      throw new FilterQueryError(`filter query invalid: term "${token.text}" at ${token.at}: ${why}`, token.at);
    }
    const id = terms.length;
    terms.push({ text: token.text, field: token.field });
    onTerm(
      parsed.parts.flatMap((p) => (p.kind === 'words' ? p.words : [])),
      parsed.parts.flatMap((p) => (p.kind === 'words' ? p.hyphenJoins : [])),
      id,
    );
    return id;
  });
  return { root: parser.parse(), terms };
}

/** Splits a query into words, quoted phrases, operators and parentheses. */
function lex(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close', text: c, field: 'any', at: i });
      i += 1;
      continue;
    }
    const start = i;
    let field: FieldScope = 'any';
    const prefix = FIELD_PREFIX.exec(query.slice(i));
    if (prefix) {
      field = (prefix[1] as string).toLowerCase() as FieldScope;
      i += prefix[0].length;
    } else if (/^[a-z]+:/i.test(query.slice(i))) {
      const name = query.slice(i, query.indexOf(':', i));
      throw new FilterQueryError(`filter query invalid: unknown field "${name}:" at ${i} (use title: or summary:)`, i);
    }
    if (query.charAt(i) === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) throw new FilterQueryError(`filter query invalid: unterminated quote at ${i}`, i);
      const text = query.slice(i + 1, close).trim();
      if (text === '') throw new FilterQueryError(`filter query invalid: empty quoted phrase at ${i}`, i);
      tokens.push({ kind: 'phrase', text, field, at: start });
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < query.length && !/[\s()"]/.test(query.charAt(end))) end += 1;
    const text = query.slice(i, end);
    if (text === '') throw new FilterQueryError(`filter query invalid: nothing after "${query.slice(start, i)}" at ${start}`, start);
    const operator = field === 'any' ? text.toUpperCase() : '';
    // Operators are upper case, as in search engines: "and"/"or"/"not" in lower case are words.
    if ((operator === 'AND' || operator === 'OR' || operator === 'NOT') && text === operator) {
      tokens.push({ kind: operator.toLowerCase() as 'and' | 'or' | 'not', text, field, at: start });
    } else {
      tokens.push({ kind: 'word', text, field, at: start });
    }
    i = end;
  }
  return tokens;
}

/** Recursive descent: or := and (OR and)*; and := unary ((AND)? unary)*; unary := NOT unary | term | ( or ). */
class Parser {
  private index = 0;

  constructor(
    private readonly query: string,
    private readonly tokens: Token[],
    private readonly addTerm: (token: Token) => number,
  ) {}

  parse(): QueryNode {
    const node = this.or();
    const extra = this.tokens[this.index];
    if (extra !== undefined) {
      throw new FilterQueryError(
        extra.kind === 'close'
          ? `filter query invalid: unmatched ")" at ${extra.at}`
          : `filter query invalid: unexpected "${extra.text}" at ${extra.at}`,
        extra.at,
      );
    }
    return node;
  }

  private or(): QueryNode {
    const operands = [this.and()];
    while (this.peek()?.kind === 'or') {
      this.index += 1;
      operands.push(this.and());
    }
    return operands.length === 1 ? (operands[0] as QueryNode) : { kind: 'or', operands };
  }

  private and(): QueryNode {
    const operands = [this.unary()];
    for (;;) {
      const next = this.peek();
      if (next?.kind === 'and') {
        this.index += 1;
        operands.push(this.unary());
      } else if (next !== undefined && (next.kind === 'word' || next.kind === 'phrase' || next.kind === 'not' || next.kind === 'open')) {
        operands.push(this.unary());
      } else {
        break;
      }
    }
    return operands.length === 1 ? (operands[0] as QueryNode) : { kind: 'and', operands };
  }

  private unary(): QueryNode {
    const token = this.peek();
    if (token === undefined) {
      throw new FilterQueryError(`filter query invalid: a term is missing at the end`, this.query.length);
    }
    this.index += 1;
    switch (token.kind) {
      case 'not':
        return { kind: 'not', operand: this.unary() };
      case 'open': {
        const inner = this.or();
        const close = this.peek();
        if (close?.kind !== 'close') throw new FilterQueryError(`filter query invalid: "(" at ${token.at} is never closed`, token.at);
        this.index += 1;
        return inner;
      }
      case 'word':
      case 'phrase':
        return { kind: 'term', term: this.addTerm(token) };
      default:
        throw new FilterQueryError(`filter query invalid: expected a term at ${token.at}, found "${token.text}"`, token.at);
    }
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }
}
