import { parseFilterQuery, type FieldScope, type QueryNode } from './filter-query-syntax.ts';
import { wordVariants } from './phrase.ts';
import { HitList, PhraseTrie } from './phrase-trie.ts';
import { toClassifierText } from '../core/classifier-text.ts';
import { createSymbolStream, scanSymbols } from './scan-symbols.ts';
import type { ClassifiableItem } from './types.ts';

/** A subscriber's keyword filter, compiled once. */
export interface FilterQuery {
  /** The query as given. */
  readonly source: string;
  /** Whether the item's title and summary satisfy the query. */
  matches(item: ClassifiableItem): boolean;
  /** The terms, as written, each with its field scope. */
  terms(): Array<{ text: string; field: FieldScope }>;
}

/**
 * Compiles a subscriber filter: words and "quoted phrases", combined with AND, OR, NOT and
 * parentheses; two terms side by side mean AND; `title:` or `summary:` limits a term to one
 * field; `word*` matches words starting with `word`. Terms match the way topic phrases do (case,
 * diacritics, possessives, U.N./UN, hyphens). Example: `sanctions AND (Iran OR Tehran) NOT title:oil`.
 * Throws `FilterQueryError` with the offset of the problem when the query does not parse.
 */
export function compileFilterQuery(query: string): FilterQuery {
  const trie = new PhraseTrie();
  const { root, terms } = parseFilterQuery(query, (words, joins, id) => {
    for (const variant of wordVariants(words, joins)) trie.insert(variant, id);
  });
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
