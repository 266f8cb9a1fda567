import type { PatternWord } from './phrase.ts';
import type { Token } from './tokenize.ts';

interface TrieNode {
  next: Map<string, TrieNode> | undefined;
  /** Prefix edges (`negotiat*`), tried against every token; few per node. */
  prefixes: Array<{ prefix: string; node: TrieNode }> | undefined;
  /** Ids of the phrases that end here. */
  ends: number[] | undefined;
}

/** A phrase found in a token sequence: tokens `[start, end)`. */
export interface TrieHit {
  phrase: number;
  start: number;
  end: number;
}

function createNode(): TrieNode {
  return { next: undefined, prefixes: undefined, ends: undefined };
}

/**
 * Every phrase of every topic in one trie keyed by word, so one walk over a text's tokens finds
 * all of them: at each token the walk follows only the edges the phrases share, and a token no
 * phrase starts with costs one map lookup.
 */
export class PhraseTrie {
  private readonly root = createNode();
  private size = 0;

  /** Number of word sequences inserted. */
  get patternCount(): number {
    return this.size;
  }

  insert(words: readonly PatternWord[], phrase: number): void {
    let node = this.root;
    for (const word of words) {
      if (word.prefix) {
        node.prefixes ??= [];
        let edge = node.prefixes.find((p) => p.prefix === word.key);
        if (!edge) {
          edge = { prefix: word.key, node: createNode() };
          node.prefixes.push(edge);
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
  match(tokens: readonly Token[]): TrieHit[] {
    const hits: TrieHit[] = [];
    const joined = joinedWords(tokens);
    for (let start = 0; start < tokens.length; start += 1) this.walk(this.root, tokens, joined, start, start, hits);
    return hits;
  }

  private walk(
    node: TrieNode,
    tokens: readonly Token[],
    joined: ReadonlyArray<JoinedWord | undefined>,
    start: number,
    at: number,
    hits: TrieHit[],
  ): void {
    if (node.ends !== undefined && at > start) {
      for (const phrase of node.ends) hits.push({ phrase, start, end: at });
    }
    if (at >= tokens.length) return;
    const key = (tokens[at] as Token).key;
    const compound = joined[at];
    if (node.next !== undefined) {
      const child = node.next.get(key);
      if (child !== undefined) this.walk(child, tokens, joined, start, at + 1, hits);
      if (compound !== undefined) {
        const whole = node.next.get(compound.key);
        if (whole !== undefined) this.walk(whole, tokens, joined, start, compound.end, hits);
      }
    }
    if (node.prefixes !== undefined) {
      for (const edge of node.prefixes) {
        if (key.startsWith(edge.prefix)) this.walk(edge.node, tokens, joined, start, at + 1, hits);
        if (compound !== undefined && compound.key.startsWith(edge.prefix)) {
          this.walk(edge.node, tokens, joined, start, compound.end, hits);
        }
      }
    }
  }
}

const NO_JOINED_WORDS: ReadonlyArray<JoinedWord | undefined> = [];

interface JoinedWord {
  key: string;
  /** Token index after the last hyphenated part. */
  end: number;
}

/** For each token that starts or continues a hyphen chain, the chain from there read as one word. */
function joinedWords(tokens: readonly Token[]): ReadonlyArray<JoinedWord | undefined> {
  if (!tokens.some((t) => t.joinNext)) return NO_JOINED_WORDS;
  const joined: Array<JoinedWord | undefined> = [];
  for (let i = 0; i < tokens.length; i += 1) {
    if (!(tokens[i] as Token).joinNext) {
      joined.push(undefined);
      continue;
    }
    let end = i;
    let key = (tokens[i] as Token).key;
    while (end < tokens.length - 1 && (tokens[end] as Token).joinNext) {
      end += 1;
      key += (tokens[end] as Token).key;
    }
    joined.push({ key, end: end + 1 });
  }
  return joined;
}
