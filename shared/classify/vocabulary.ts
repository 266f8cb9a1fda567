/** Children of a character node: a-z and 0-9 in a small array, anything else in a map. */
interface CharNode {
  kids: Array<CharNode | undefined> | undefined;
  other: Map<number, CharNode> | undefined;
  /** Id of the word that ends here, or -1. */
  word: number;
  /** Id of the prefix (`negotiat*`) that ends here, or -1. */
  prefix: number;
}

const NO_PREFIXES: readonly number[] = [];

function charNode(): CharNode {
  return { kids: undefined, other: undefined, word: -1, prefix: -1 };
}

function slot(code: number): number {
  if (code >= 97 && code <= 122) return code - 97;
  if (code >= 48 && code <= 57) return code - 22;
  return -1;
}

/**
 * The words and prefixes the phrases use, in a character trie. The tokenizer walks it while it
 * reads a word, so it learns the word's id (and the prefixes it starts with) without building a
 * string or hashing one; a word no phrase uses gets -1 and costs nothing more.
 */
export class Vocabulary {
  private readonly root = charNode();
  private wordCount = 0;
  private prefixCount = 0;
  /** Per word id: the word, for messages and joined-compound lookups. */
  readonly words: string[] = [];

  /** Id of an exact word, added if new. */
  addWord(key: string): number {
    const node = this.path(key);
    if (node.word < 0) {
      node.word = this.wordCount;
      this.wordCount += 1;
      this.words.push(key);
    }
    return node.word;
  }

  /** Id of a prefix (`negotiat` for `negotiat*`), added if new. */
  addPrefix(prefix: string): number {
    const node = this.path(prefix);
    if (node.prefix < 0) {
      node.prefix = this.prefixCount;
      this.prefixCount += 1;
    }
    return node.prefix;
  }

  get size(): number {
    return this.wordCount;
  }

  /**
   * Looks up `text.slice(from, to)` (already lower case), returning the word id or -1; the ids
   * of the prefixes the word starts with go to `prefixes` (left untouched when there are none).
   */
  lookup(text: string, from: number, to: number, prefixes: { found: readonly number[] }): number {
    let node: CharNode | undefined = this.root;
    let found: number[] | undefined;
    for (let i = from; i < to; i += 1) {
      const code = text.charCodeAt(i);
      const s = slot(code);
      node = s >= 0 ? node.kids?.[s] : node.other?.get(code);
      if (node === undefined) break;
      if (node.prefix >= 0) (found ??= []).push(node.prefix);
    }
    prefixes.found = found ?? NO_PREFIXES;
    return node === undefined ? -1 : node.word;
  }

  private path(key: string): CharNode {
    let node = this.root;
    for (let i = 0; i < key.length; i += 1) {
      const code = key.charCodeAt(i);
      const s = slot(code);
      let next: CharNode | undefined;
      if (s >= 0) {
        node.kids ??= new Array<CharNode | undefined>(36).fill(undefined);
        next = node.kids[s];
        if (next === undefined) {
          next = charNode();
          node.kids[s] = next;
        }
      } else {
        node.other ??= new Map();
        next = node.other.get(code);
        if (next === undefined) {
          next = charNode();
          node.other.set(code, next);
        }
      }
      node = next;
    }
    return node;
  }
}

export const NO_PREFIX_IDS = NO_PREFIXES;
