import type { PatternWord } from './phrase.ts';
import { tokenKey, type SymbolStream } from './scan-symbols.ts';
import { CAPITALS_ONLY } from './tokenize.ts';
import { WordIndex } from './word-index.ts';

/** A phrase found in a field's tokens: tokens `[start, end)`; field 0 is the title, 1 the summary. */
export interface TrieHit {
  phrase: number;
  field: number;
  start: number;
  end: number;
}

/** The shortest prefix a phrase may use (`neg*` is allowed, `ne*` is not). */
export const MIN_PREFIX = 3;
const ROOT = 0;

/**
 * The hits of an item. Their objects are reused from item to item: a hit is valid until the
 * list is cleared, so whoever keeps one longer copies what it needs.
 */
export class HitList {
  count = 0;
  readonly items: TrieHit[] = [];

  clear(): void {
    this.count = 0;
  }

  add(phrase: number, field: number, start: number, end: number): void {
    const hit = this.items[this.count];
    if (hit === undefined) {
      this.items.push({ phrase, field, start, end });
    } else {
      hit.phrase = phrase;
      hit.field = field;
      hit.start = start;
      hit.end = end;
    }
    this.count += 1;
  }
}

/**
 * Every phrase of every topic in one trie keyed by word symbols (see `WordIndex`), so one walk
 * over a text's tokens finds all of them: at each token the walk follows only the edges the
 * phrases share, and a word no phrase starts with costs one integer lookup.
 *
 * Where a token reads several ways (its word and a `word*` prefix, or two prefixes), edges are
 * followed word first, then prefixes in the order they entered the trie, so hits come out in a
 * stable order that explanations rely on.
 */
export class PhraseTrie {
  /** The words of the phrases; the tokenizer reads texts into its symbols. */
  readonly words = new WordIndex(CAPITALS_ONLY);
  /** Per node: children by symbol. Node ids grow in creation order. */
  private readonly children: Array<Map<number, number> | undefined> = [undefined];
  /** Per node: ids of the phrases that end there. */
  private readonly ends: Array<number[] | undefined> = [undefined];
  /** The root's children as a dense array by symbol (0 = none): the step every token takes. */
  private rootChildren = new Int32Array(0);
  /**
   * The trie as flat arrays for matching, built on first match after an insert: node n's edges
   * are `edgeSymbol`/`edgeChild[edgeStart[n], edgeStart[n + 1])`, sorted by symbol, and its
   * phrases `endPhrase[endStart[n], endStart[n + 1])` in insertion order. Reading them costs a
   * few integer loads where a Map per node cost a hash lookup on every step of the walk.
   */
  private compiled = false;
  private edgeStart = new Int32Array(1);
  private edgeSymbol = new Int32Array(0);
  private edgeChild = new Int32Array(0);
  private endStart = new Int32Array(1);
  private endPhrase = new Int32Array(0);
  private size = 0;
  private readonly lookupBuffer: number[] = [];
  /** The hyphen chains of the field being matched (see `readJoinedWords`). */
  private hasJoined = false;
  private joinedFrom = new Int32Array(64);
  private joinedTo = new Int32Array(64);
  private joinedEnd = new Int32Array(64);
  private joinedSymbols = new Int32Array(64);

  /** Number of word sequences inserted. */
  get patternCount(): number {
    return this.size;
  }

  insert(words: readonly PatternWord[], phrase: number): void {
    this.addEnd(this.path(words), phrase);
  }

  /**
   * The node a word sequence ends at, made with the nodes leading to it if new: one node per
   * distinct sequence, so a caller may number sequences by it (see `addEnd`).
   */
  path(words: readonly PatternWord[]): number {
    return this.extend(ROOT, words);
  }

  /** The root node (see `extend`). */
  get root(): number {
    return ROOT;
  }

  /** `path`, from `node` on: the node that `words` lead to from there, made if new. */
  extend(from: number, words: readonly PatternWord[]): number {
    let node = from;
    for (const word of words) {
      if (word.prefix && word.key.length < MIN_PREFIX) {
        throw new Error(`phrase trie: prefix "${word.key}*" is shorter than ${MIN_PREFIX} letters`);
      }
      const symbol = word.prefix ? this.words.addPrefix(word.key) : this.words.addWord(word.key);
      let children = this.children[node];
      if (children === undefined) {
        children = new Map();
        this.children[node] = children;
      }
      let child = children.get(symbol);
      if (child === undefined) {
        child = this.children.length;
        this.children.push(undefined);
        this.ends.push(undefined);
        children.set(symbol, child);
      }
      node = child;
    }
    return node;
  }

  /** Records that `phrase` ends at `node` (from `path`). */
  addEnd(node: number, phrase: number): void {
    const ends = (this.ends[node] ??= []);
    if (!ends.includes(phrase)) ends.push(phrase);
    this.size += 1;
    this.compiled = false;
  }

  /** Builds the flat arrays `match` reads (see `edgeStart`), and the dense root table over every symbol of `words`. */
  private compile(): void {
    const nodes = this.children.length;
    this.edgeStart = new Int32Array(nodes + 1);
    this.endStart = new Int32Array(nodes + 1);
    for (let node = 0; node < nodes; node += 1) {
      this.edgeStart[node + 1] = (this.edgeStart[node] as number) + (this.children[node]?.size ?? 0);
      this.endStart[node + 1] = (this.endStart[node] as number) + (this.ends[node]?.length ?? 0);
    }
    this.edgeSymbol = new Int32Array(this.edgeStart[nodes] as number);
    this.edgeChild = new Int32Array(this.edgeStart[nodes] as number);
    this.endPhrase = new Int32Array(this.endStart[nodes] as number);
    for (let node = 0; node < nodes; node += 1) {
      const children = this.children[node];
      // Most nodes have one edge or none: nothing to sort.
      const edges = children === undefined || children.size < 2 ? (children ?? []) : [...children].sort((a, b) => a[0] - b[0]);
      let at = this.edgeStart[node] as number;
      for (const [symbol, child] of edges) {
        this.edgeSymbol[at] = symbol;
        this.edgeChild[at] = child;
        at += 1;
      }
      const ends = this.ends[node];
      if (ends !== undefined) this.endPhrase.set(ends, this.endStart[node] as number);
    }
    const table = new Int32Array(this.words.symbolCount);
    for (const [symbol, child] of this.children[ROOT] ?? []) table[symbol] = child;
    this.rootChildren = table;
    this.compiled = true;
  }

  /** The child of `node` along `symbol`, or 0 (the root is no one's child). */
  private childOf(node: number, symbol: number): number {
    if (node === ROOT) return this.rootChildren[symbol] as number;
    const edgeSymbol = this.edgeSymbol;
    let low = this.edgeStart[node] as number;
    let high = this.edgeStart[node + 1] as number;
    // Binary search down to a few edges, then a scan (most nodes have one edge).
    while (high - low > 8) {
      const middle = (low + high) >>> 1;
      const found = edgeSymbol[middle] as number;
      if (found === symbol) return this.edgeChild[middle] as number;
      if (found < symbol) low = middle + 1;
      else high = middle;
    }
    for (; low < high; low += 1) {
      const found = edgeSymbol[low] as number;
      if (found === symbol) return this.edgeChild[low] as number;
      if (found > symbol) return 0;
    }
    return 0;
  }

  private hasChildren(node: number): boolean {
    return this.edgeStart[node] !== this.edgeStart[node + 1];
  }

  /**
   * Finds every phrase occurrence in `tokens` (read with `scanSymbols` over this trie's words).
   * Hyphenated words are read both ways: as their parts and as one joined word ("cease-fire"
   * also reads "ceasefire").
   */
  match(tokens: SymbolStream, field: number, hits: HitList): void {
    if (this.children[ROOT] === undefined) return;
    if (!this.compiled || this.rootChildren.length !== this.words.symbolCount) this.compile();
    const roots = this.rootChildren;
    this.readJoinedWords(tokens);
    const { symbols, symbolStart } = tokens;
    for (let start = 0; start < tokens.length; start += 1) {
      const from = symbolStart[start] as number;
      const to = symbolStart[start + 1] as number;
      // Most tokens read as no symbol, or as one symbol no phrase starts with.
      if (to - from === 1) {
        const child = roots[symbols[from] as number] as number;
        if (child !== 0) this.walk(child, tokens, field, start, start + 1, hits);
      } else if (from !== to) {
        this.follow(ROOT, symbols, from, to, tokens, field, start, start + 1, hits);
      }
      if (this.hasJoined && (this.joinedFrom[start] as number) >= 0) this.followJoined(ROOT, start, tokens, field, start, hits);
    }
  }

  private walk(node: number, tokens: SymbolStream, field: number, start: number, at: number, hits: HitList): void {
    const endPhrase = this.endPhrase;
    const endsTo = this.endStart[node + 1] as number;
    for (let e = this.endStart[node] as number; e < endsTo; e += 1) hits.add(endPhrase[e] as number, field, start, at);
    if (at >= tokens.length || !this.hasChildren(node)) return;
    this.follow(
      node,
      tokens.symbols,
      tokens.symbolStart[at] as number,
      tokens.symbolStart[at + 1] as number,
      tokens,
      field,
      start,
      at + 1,
      hits,
    );
    if (this.hasJoined && (this.joinedFrom[at] as number) >= 0) this.followJoined(node, at, tokens, field, start, hits);
  }

  /** Follows from `node` the hyphen chain starting at token `at`, read as one word. */
  private followJoined(node: number, at: number, tokens: SymbolStream, field: number, start: number, hits: HitList): void {
    this.follow(
      node,
      this.joinedSymbols,
      this.joinedFrom[at] as number,
      this.joinedTo[at] as number,
      tokens,
      field,
      start,
      this.joinedEnd[at] as number,
      hits,
    );
  }

  /** Follows the edges `symbols[from, to)` take from `node` (word, then prefixes), continuing at token `next`. */
  private follow(
    node: number,
    symbols: Int32Array,
    from: number,
    to: number,
    tokens: SymbolStream,
    field: number,
    start: number,
    next: number,
    hits: HitList,
  ): void {
    if (from === to || !this.hasChildren(node)) return;
    if (to - from === 1) {
      const child = this.childOf(node, symbols[from] as number);
      if (child !== 0) this.walk(child, tokens, field, start, next, hits);
      return;
    }
    let i = from;
    if (this.words.isPrefix[symbols[from] as number] !== true) {
      const child = this.childOf(node, symbols[from] as number);
      if (child !== 0) this.walk(child, tokens, field, start, next, hits);
      i += 1;
    }
    // Several prefixes: in the order their edges were made here (node ids grow with creation).
    let first = 0;
    let more: number[] | undefined;
    for (; i < to; i += 1) {
      const child = this.childOf(node, symbols[i] as number);
      if (child === 0) continue;
      if (first === 0) first = child;
      else (more ??= [first]).push(child);
    }
    if (more === undefined) {
      if (first !== 0) this.walk(first, tokens, field, start, next, hits);
      return;
    }
    more.sort(ascending);
    for (const child of more) this.walk(child, tokens, field, start, next, hits);
  }

  /**
   * For each token in a hyphen chain, the chain from there read as one word: its symbols are
   * `joinedSymbols[joinedFrom[i], joinedTo[i])` (none: `joinedFrom[i]` is -1), and the token
   * after it is `joinedEnd[i]`. Buffers reused from field to field.
   */
  private readJoinedWords(tokens: SymbolStream): void {
    this.hasJoined = tokens.hasJoins;
    if (!tokens.hasJoins) return;
    const { joinNext, length } = tokens;
    if (this.joinedFrom.length < length) {
      const size = Math.max(length, this.joinedFrom.length * 2);
      this.joinedFrom = new Int32Array(size);
      this.joinedTo = new Int32Array(size);
      this.joinedEnd = new Int32Array(size);
    }
    let symbolCount = 0;
    for (let i = 0; i < length; i += 1) {
      this.joinedFrom[i] = -1;
      if (joinNext[i] === 0) continue;
      let end = i;
      let key = tokenKey(tokens, i);
      while (end < length - 1 && joinNext[end] === 1) {
        end += 1;
        key += tokenKey(tokens, end);
      }
      const count = this.words.lookup(key, this.lookupBuffer);
      if (count === 0) continue;
      if (symbolCount + count > this.joinedSymbols.length) {
        const grown = new Int32Array(Math.max(this.joinedSymbols.length * 2, symbolCount + count));
        grown.set(this.joinedSymbols);
        this.joinedSymbols = grown;
      }
      for (let k = 0; k < count; k += 1) this.joinedSymbols[symbolCount + k] = this.lookupBuffer[k] as number;
      this.joinedFrom[i] = symbolCount;
      this.joinedTo[i] = symbolCount + count;
      this.joinedEnd[i] = end + 1;
      symbolCount += count;
    }
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}
