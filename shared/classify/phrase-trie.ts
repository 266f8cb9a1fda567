import type { PatternWord } from './phrase.ts';
import type { TokenStream } from './tokenize.ts';

interface TrieNode {
  next: Map<string, TrieNode> | undefined;
  /**
   * Prefix edges (`negotiat*`) grouped by their first MIN_PREFIX letters (the shortest prefix a
   * phrase may use), so a word is compared only with the prefixes it could start with.
   */
  prefixes: Map<string, Array<{ prefix: string; node: TrieNode }>> | undefined;
  /** Ids of the phrases that end here. */
  ends: number[] | undefined;
}

/** A phrase found in a field's tokens: tokens `[start, end)`; field 0 is the title, 1 the summary. */
export interface TrieHit {
  phrase: number;
  field: number;
  start: number;
  end: number;
}

/** The shortest prefix a phrase may use (`neg*` is allowed, `ne*` is not). */
export const MIN_PREFIX = 3;
/** Words remembered by the root memo before it starts afresh. */
const MEMO_LIMIT = 50_000;
const NO_NODES: TrieNode[] = [];

function createNode(): TrieNode {
  return { next: undefined, prefixes: undefined, ends: undefined };
}

/** A hyphen chain read as one word, and the token after it. */
interface JoinedWord {
  key: string;
  end: number;
}

const NO_JOINED_WORDS: ReadonlyArray<JoinedWord | undefined> = [];

/**
 * Every phrase of every topic in one trie keyed by word, so one walk over a text's tokens finds
 * all of them: at each token the walk follows only the edges the phrases share, and a word no
 * phrase starts with costs one lookup.
 */
export class PhraseTrie {
  private readonly root = createNode();
  private size = 0;
  /**
   * For each word seen at the start of a walk, the nodes the root leads to (its exact child and
   * what its prefix edges reach). News vocabulary repeats, so most words cost one lookup here.
   * Cleared past MEMO_LIMIT entries and whenever a phrase is added.
   */
  private readonly rootMemo = new Map<string, TrieNode[]>();

  /** Number of word sequences inserted. */
  get patternCount(): number {
    return this.size;
  }

  insert(words: readonly PatternWord[], phrase: number): void {
    this.rootMemo.clear();
    let node = this.root;
    for (const word of words) {
      if (word.prefix) {
        if (word.key.length < MIN_PREFIX) throw new Error(`phrase trie: prefix "${word.key}*" is shorter than ${MIN_PREFIX} letters`);
        node.prefixes ??= new Map();
        const head = word.key.slice(0, MIN_PREFIX);
        let group = node.prefixes.get(head);
        if (!group) {
          group = [];
          node.prefixes.set(head, group);
        }
        let edge = group.find((p) => p.prefix === word.key);
        if (!edge) {
          edge = { prefix: word.key, node: createNode() };
          group.push(edge);
        }
        node = edge.node;
      } else {
        node.next ??= new Map();
        let child = node.next.get(word.key);
        if (!child) {
          child = createNode();
          node.next.set(word.key, child);
        }
        node = child;
      }
    }
    node.ends ??= [];
    if (!node.ends.includes(phrase)) node.ends.push(phrase);
    this.size += 1;
  }

  /**
   * Finds every phrase occurrence in `tokens`. Hyphenated words are read both ways: as their
   * parts and as one joined word ("cease-fire" also reads "ceasefire").
   */
  match(tokens: TokenStream, field: number, hits: TrieHit[]): void {
    const joined = joinedWords(tokens);
    const keys = tokens.keys;
    for (let start = 0; start < tokens.length; start += 1) {
      // The root step, memoised per word: most words start no phrase.
      for (const next of this.rootNodes(keys[start] as string)) this.walk(next, keys, joined, field, start, start + 1, hits);
      const compound = joined[start];
      if (compound !== undefined) this.follow(this.root, compound.key, keys, joined, field, start, compound.end, hits);
    }
  }

  private walk(
    node: TrieNode,
    keys: readonly string[],
    joined: ReadonlyArray<JoinedWord | undefined>,
    field: number,
    start: number,
    at: number,
    hits: TrieHit[],
  ): void {
    if (node.ends !== undefined) {
      for (const phrase of node.ends) hits.push({ phrase, field, start, end: at });
    }
    if (at >= keys.length) return;
    this.follow(node, keys[at] as string, keys, joined, field, start, at + 1, hits);
    const compound = joined[at];
    if (compound !== undefined) this.follow(node, compound.key, keys, joined, field, start, compound.end, hits);
  }

  /** Follows the edges a word takes from `node` (exact, then prefixes), continuing at token `next`. */
  private follow(
    node: TrieNode,
    key: string,
    keys: readonly string[],
    joined: ReadonlyArray<JoinedWord | undefined>,
    field: number,
    start: number,
    next: number,
    hits: TrieHit[],
  ): void {
    const child = node.next?.get(key);
    if (child !== undefined) this.walk(child, keys, joined, field, start, next, hits);
    if (node.prefixes !== undefined && key.length >= MIN_PREFIX) {
      const group = node.prefixes.get(key.slice(0, MIN_PREFIX));
      if (group !== undefined) {
        for (const edge of group) if (key.startsWith(edge.prefix)) this.walk(edge.node, keys, joined, field, start, next, hits);
      }
    }
  }

  private rootNodes(key: string): TrieNode[] {
    let nodes = this.rootMemo.get(key);
    if (nodes !== undefined) return nodes;
    nodes = [];
    const child = this.root.next?.get(key);
    if (child !== undefined) nodes.push(child);
    const group = key.length >= MIN_PREFIX ? this.root.prefixes?.get(key.slice(0, MIN_PREFIX)) : undefined;
    if (group !== undefined) for (const edge of group) if (key.startsWith(edge.prefix)) nodes.push(edge.node);
    if (nodes.length === 0) nodes = NO_NODES;
    if (this.rootMemo.size >= MEMO_LIMIT) this.rootMemo.clear();
    this.rootMemo.set(key, nodes);
    return nodes;
  }
}

/** For each token in a hyphen chain, the chain from there read as one word. */
function joinedWords(tokens: TokenStream): ReadonlyArray<JoinedWord | undefined> {
  const { joinNext, keys } = tokens;
  if (!joinNext.includes(true)) return NO_JOINED_WORDS;
  const joined: Array<JoinedWord | undefined> = [];
  for (let i = 0; i < tokens.length; i += 1) {
    if (!joinNext[i]) {
      joined.push(undefined);
      continue;
    }
    let end = i;
    let key = keys[i] as string;
    while (end < tokens.length - 1 && joinNext[end]) {
      end += 1;
      key += keys[end] as string;
    }
    joined.push({ key, end: end + 1 });
  }
  return joined;
}
