import type { PatternWord } from './phrase.ts';
import { keyAt, scanTokens, type TokenStream } from './tokenize.ts';
import { NO_PREFIX_IDS, Vocabulary } from './vocabulary.ts';

interface TrieNode {
  /** Children by word id. */
  next: Map<number, TrieNode> | undefined;
  /** Children by prefix id (`negotiat*`). */
  prefixNext: Map<number, TrieNode> | undefined;
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

function createNode(): TrieNode {
  return { next: undefined, prefixNext: undefined, ends: undefined };
}

/** A hyphen chain read as one word: its word id, prefix ids, and the token after it. */
interface JoinedWord {
  word: number;
  prefixes: readonly number[];
  end: number;
}

const NO_JOINED_WORDS: ReadonlyArray<JoinedWord | undefined> = [];

/**
 * Every phrase of every topic in one trie of word ids, so one walk over a text's tokens finds
 * all of them. The words themselves live in a character-level vocabulary that the tokenizer
 * walks while reading, so a word no phrase uses costs no string and no lookup, and each step of
 * the walk is an integer map lookup.
 */
export class PhraseTrie {
  private readonly vocabulary = new Vocabulary();
  private readonly root = createNode();
  /** The root's children by word id, as an array: the first step of every walk. */
  private rootByWord: Array<TrieNode | undefined> = [];
  private size = 0;

  /** Number of word sequences inserted. */
  get patternCount(): number {
    return this.size;
  }

  insert(words: readonly PatternWord[], phrase: number): void {
    let node = this.root;
    for (const word of words) {
      if (word.prefix) {
        if (word.key.length < MIN_PREFIX) throw new Error(`phrase trie: prefix "${word.key}*" is shorter than ${MIN_PREFIX} letters`);
        const id = this.vocabulary.addPrefix(word.key);
        node.prefixNext ??= new Map();
        let child = node.prefixNext.get(id);
        if (!child) {
          child = createNode();
          node.prefixNext.set(id, child);
        }
        node = child;
      } else {
        const id = this.vocabulary.addWord(word.key);
        node.next ??= new Map();
        let child = node.next.get(id);
        if (!child) {
          child = createNode();
          node.next.set(id, child);
          if (node === this.root) this.rootByWord[id] = child;
        }
        node = child;
      }
    }
    node.ends ??= [];
    if (!node.ends.includes(phrase)) node.ends.push(phrase);
    this.size += 1;
  }

  /** Tokenizes a field's plain text against this trie's vocabulary. */
  scan(text: string): TokenStream {
    return scanTokens(text, true, this.vocabulary);
  }

  /**
   * Finds every phrase occurrence in tokens from `scan`. Hyphenated words are read both ways: as
   * their parts and as one joined word ("cease-fire" also reads "ceasefire").
   */
  match(tokens: TokenStream, field: number, hits: TrieHit[]): void {
    const joined = this.joinedWords(tokens);
    const { words, prefixes } = tokens;
    const root = this.root;
    for (let start = 0; start < tokens.length; start += 1) {
      // The root step, inlined: most words start no phrase.
      const word = words[start] as number;
      if (word >= 0) {
        const child = this.rootByWord[word];
        if (child !== undefined) this.walk(child, tokens, joined, field, start, start + 1, hits);
      }
      const wordPrefixes = prefixes[start] as readonly number[];
      if (wordPrefixes.length > 0) this.followPrefixes(root, wordPrefixes, tokens, joined, field, start, start + 1, hits);
      const compound = joined[start];
      if (compound !== undefined) this.followWord(root, compound.word, compound.prefixes, tokens, joined, field, start, compound.end, hits);
    }
  }

  private walk(
    node: TrieNode,
    tokens: TokenStream,
    joined: ReadonlyArray<JoinedWord | undefined>,
    field: number,
    start: number,
    at: number,
    hits: TrieHit[],
  ): void {
    if (node.ends !== undefined) {
      for (const phrase of node.ends) hits.push({ phrase, field, start, end: at });
    }
    if (at >= tokens.length) return;
    this.followWord(node, tokens.words[at] as number, tokens.prefixes[at] as readonly number[], tokens, joined, field, start, at + 1, hits);
    const compound = joined[at];
    if (compound !== undefined) this.followWord(node, compound.word, compound.prefixes, tokens, joined, field, start, compound.end, hits);
  }

  /** Follows the edges a word (by id and prefixes) takes from `node`, continuing at `next`. */
  private followWord(
    node: TrieNode,
    word: number,
    wordPrefixes: readonly number[],
    tokens: TokenStream,
    joined: ReadonlyArray<JoinedWord | undefined>,
    field: number,
    start: number,
    next: number,
    hits: TrieHit[],
  ): void {
    if (word >= 0 && node.next !== undefined) {
      const child = node.next.get(word);
      if (child !== undefined) this.walk(child, tokens, joined, field, start, next, hits);
    }
    if (wordPrefixes.length > 0) this.followPrefixes(node, wordPrefixes, tokens, joined, field, start, next, hits);
  }

  private followPrefixes(
    node: TrieNode,
    wordPrefixes: readonly number[],
    tokens: TokenStream,
    joined: ReadonlyArray<JoinedWord | undefined>,
    field: number,
    start: number,
    next: number,
    hits: TrieHit[],
  ): void {
    if (node.prefixNext === undefined) return;
    for (const id of wordPrefixes) {
      const child = node.prefixNext.get(id);
      if (child !== undefined) this.walk(child, tokens, joined, field, start, next, hits);
    }
  }

  /** For each token in a hyphen chain, the chain from there read as one word. */
  private joinedWords(tokens: TokenStream): ReadonlyArray<JoinedWord | undefined> {
    const { joinNext } = tokens;
    if (!joinNext.includes(true)) return NO_JOINED_WORDS;
    const joined: Array<JoinedWord | undefined> = [];
    const found = { found: NO_PREFIX_IDS };
    for (let i = 0; i < tokens.length; i += 1) {
      if (!joinNext[i]) {
        joined.push(undefined);
        continue;
      }
      let end = i;
      let key = keyAt(tokens, i);
      while (end < tokens.length - 1 && joinNext[end]) {
        end += 1;
        key += keyAt(tokens, end);
      }
      const word = this.vocabulary.lookup(key, 0, key.length, found);
      joined.push({ word, prefixes: found.found, end: end + 1 });
    }
    return joined;
  }
}
