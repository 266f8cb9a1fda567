import { FilterQueryError } from './errors.ts';
import { parsePhrase, wordVariants } from './phrase.ts';
import { HitList, PhraseTrie } from './phrase-trie.ts';
import { toClassifierText } from '../core/classifier-text.ts';
import { createSymbolStream, scanSymbols } from './scan-symbols.ts';
import type { ClassifiableItem } from './types.ts';

/** Longest query accepted, in characters, and most terms in one query. */
export const MAX_QUERY_LENGTH = 500;
export const MAX_QUERY_TERMS = 50;

type FieldScope = 'any' | 'title' | 'summary';

type QueryNode = { kind: 'term'; term: number } | { kind: 'not'; operand: QueryNode } | { kind: 'and' | 'or'; operands: QueryNode[] };

/** A subscriber's keyword filter, compiled once. */
export interface FilterQuery {
  /** The query as given. */
  readonly source: string;
  /** Whether the item's title and summary satisfy the query. */
  matches(item: ClassifiableItem): boolean;
  /** The terms, as written, each with its field scope. */
  terms(): Array<{ text: string; field: FieldScope }>;
}

interface Token {
  kind: 'word' | 'phrase' | 'and' | 'or' | 'not' | 'open' | 'close';
  text: string;
  field: FieldScope;
  at: number;
}

const FIELD_PREFIX = /^(title|summary):/i;

/**
 * Compiles a subscriber filter: words and "quoted phrases", combined with AND, OR, NOT and
 * parentheses; two terms side by side mean AND; `title:` or `summary:` limits a term to one
 * field; `word*` matches words starting with `word`. Terms match the way topic phrases do (case,
 * diacritics, possessives, U.N./UN, hyphens). Example: `sanctions AND (Iran OR Tehran) NOT title:oil`.
 * Throws `FilterQueryError` with the offset of the problem when the query does not parse.
 */
export function compileFilterQuery(query: string): FilterQuery {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new FilterQueryError(`filter query invalid: longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  }
  const tokens = lex(query);
  if (tokens.length === 0) throw new FilterQueryError('filter query invalid: empty', 0);
  const terms: Array<{ text: string; field: FieldScope }> = [];
  const trie = new PhraseTrie();
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
    const words = parsed.parts.flatMap((p) => (p.kind === 'words' ? p.words : []));
    const joins = parsed.parts.flatMap((p) => (p.kind === 'words' ? p.hyphenJoins : []));
    for (const variant of wordVariants(words, joins)) trie.insert(variant, id);
    return id;
  });
  const root = parser.parse();
  const titleTokens = createSymbolStream();
  const summaryTokens = createSymbolStream();
  const hits = new HitList();

  return {
    source: query,
    terms: () => terms.map((t) => ({ ...t })),
    matches(item) {
      // found[term] bit 1: in the title, bit 2: in the summary.
      const found = new Uint8Array(terms.length);
      hits.clear();
      trie.match(scanSymbols(toClassifierText(item.title), trie.words, titleTokens), 0, hits);
      trie.match(scanSymbols(toClassifierText(item.summary ?? ''), trie.words, summaryTokens), 1, hits);
      for (let i = 0; i < hits.count; i += 1) {
        const hit = hits.items[i] as { phrase: number; field: number };
        found[hit.phrase] = (found[hit.phrase] as number) | (hit.field === 0 ? 1 : 2);
      }
      return evaluate(root, (term) => {
        const where = found[term] as number;
        const field = (terms[term] as { field: FieldScope }).field;
        return field === 'any' ? where !== 0 : field === 'title' ? (where & 1) !== 0 : (where & 2) !== 0;
      });
    },
  };
}

function evaluate(node: QueryNode, has: (term: number) => boolean): boolean {
  switch (node.kind) {
    case 'term':
      return has(node.term);
    case 'not':
      return !evaluate(node.operand, has);
    case 'and':
      return node.operands.every((n) => evaluate(n, has));
    case 'or':
      return node.operands.some((n) => evaluate(n, has));
  }
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
