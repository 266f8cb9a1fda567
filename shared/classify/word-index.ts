/**
 * The words phrases are made of, each with a small integer, its symbol: a folded word, or a
 * `word*` prefix. The phrase trie is keyed by symbols. Words are found by a hash the tokenizer
 * computes while it reads a word's characters, in two open-addressing tables of a few tens of
 * kilobytes, and the characters are compared once on a hit: an ordinary ASCII word reaches its
 * symbol with no string built.
 */

/** Starts a word hash. */
export const HASH_SEED = 0x811c9dc5 | 0;

/** Adds one (folded) character to a word hash (FNV-1a step). */
export function hashStep(hash: number, c: number): number {
  return Math.imul(hash ^ c, 0x01000193);
}

/** The length at which a word's hash is checked against the heads of all prefixes. */
export const PREFIX_HEAD = 3;
const HEAD_BITS = 1023;

/**
 * An open-addressing table (linear probing, at most half full) from hashes to symbols: slot k
 * holds a hash at `slots[2k]` and the symbol + 1 at `slots[2k + 1]` (0 = empty), side by side
 * so a probe reads one cache line.
 */
class SymbolTable {
  slots = new Int32Array(128);
  mask = 63;
  private used = 0;

  add(hash: number, symbol: number): void {
    if ((this.used + 1) * 2 > this.mask + 1) this.grow();
    this.place(hash, symbol + 1);
    this.used += 1;
  }

  private place(hash: number, symbolPlusOne: number): void {
    let slot = hash & this.mask;
    while (this.slots[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = symbolPlusOne;
  }

  private grow(): void {
    const old = this.slots;
    this.mask = this.mask * 2 + 1;
    this.slots = new Int32Array((this.mask + 1) * 2);
    for (let at = 0; at < old.length; at += 2) if (old[at + 1] !== 0) this.place(old[at] as number, old[at + 1] as number);
  }
}

export class WordIndex {
  /** Per symbol: its folded text (without the `*` of a prefix). */
  readonly keyOf: string[] = [];
  /** Per symbol: whether it stands for a prefix (`word*`) rather than a whole word. */
  readonly isPrefix: boolean[] = [];
  /**
   * Per symbol: whether the word counts only when written in capitals ("US", "WHO"); the
   * tokenizer drops the symbol of such a word written otherwise ("told us").
   */
  readonly needsCapitals: boolean[] = [];
  /** `prefixLengths[n]` is 1 when some prefix has n characters: where a word's hash is probed for one. */
  prefixLengths = new Uint8Array(0);
  /** The longest prefix, in characters. */
  longestPrefix = 0;
  /**
   * Bit set over the hashes of the first PREFIX_HEAD characters of every prefix: a word whose
   * head is not in it starts no prefix, and most words are spared the probes.
   */
  private readonly prefixHeads = new Uint8Array(HEAD_BITS + 1);
  private readonly words = new SymbolTable();
  private readonly prefixes = new SymbolTable();
  /** The characters of every symbol's text, one after the other (compared on a hash hit). */
  private chars = new Uint16Array(1024);
  private charCount = 0;
  /** Per symbol: where its characters start in `chars`, and how many. */
  private readonly charStart: number[] = [];
  private readonly charLength: number[] = [];
  private readonly symbols = new Map<string, number>();

  /** @param capitalsOnly folded words that are a name only in capitals ("us", "who"). */
  constructor(private readonly capitalsOnly: ReadonlySet<string> = new Set()) {}

  /** Number of symbols handed out. */
  get symbolCount(): number {
    return this.keyOf.length;
  }

  /** The symbol of a folded word, created on first use. */
  addWord(key: string): number {
    return this.add(key, false);
  }

  /** The symbol of a `key*` prefix (at least PREFIX_HEAD characters), created on first use. */
  addPrefix(key: string): number {
    if (key.length < PREFIX_HEAD) throw new Error(`word index: prefix "${key}*" is shorter than ${PREFIX_HEAD} characters`);
    return this.add(key, true);
  }

  /**
   * Writes the symbols a folded word reads as into `out` from index 0 and returns how many: its
   * own symbol first (when some phrase uses the word), then every prefix it starts with,
   * shortest first.
   */
  lookup(key: string, out: number[]): number {
    let hash = HASH_SEED;
    let count = 1;
    for (let i = 0; i < key.length; i += 1) {
      hash = hashStep(hash, key.charCodeAt(i));
      if (i + 1 <= this.longestPrefix && this.prefixLengths[i + 1] === 1) {
        const prefix = this.find(this.prefixes, hash, key, i + 1);
        if (prefix >= 0) out[count++] = prefix;
      }
    }
    const word = this.find(this.words, hash, key, key.length);
    if (word >= 0) {
      out[0] = word;
      return count;
    }
    for (let k = 1; k < count; k += 1) out[k - 1] = out[k] as number;
    return count - 1;
  }

  /** Whether a word whose first PREFIX_HEAD characters hash to `hash` may start a prefix. */
  mayStartPrefix(hash: number): boolean {
    return this.prefixHeads[hash & HEAD_BITS] === 1;
  }

  /** The symbol of the word `text[start, end)` (ASCII letters and digits, any case) with this hash, or -1. */
  wordInText(text: string, start: number, end: number, hash: number): number {
    return this.findInText(this.words, hash, text, start, end);
  }

  /** The symbol of the prefix `text[start, end)` (ASCII letters and digits, any case) with this hash, or -1. */
  prefixInText(text: string, start: number, end: number, hash: number): number {
    return this.findInText(this.prefixes, hash, text, start, end);
  }

  private add(key: string, prefix: boolean): number {
    const name = prefix ? `${key}*` : key;
    const known = this.symbols.get(name);
    if (known !== undefined) return known;
    const symbol = this.keyOf.length;
    let hash = HASH_SEED;
    for (let i = 0; i < key.length; i += 1) hash = hashStep(hash, key.charCodeAt(i));
    this.keyOf.push(key);
    this.isPrefix.push(prefix);
    this.needsCapitals.push(!prefix && this.capitalsOnly.has(key));
    this.symbols.set(name, symbol);
    this.charStart.push(this.storeChars(key));
    this.charLength.push(key.length);
    if (prefix) {
      this.prefixes.add(hash, symbol);
      let head = HASH_SEED;
      for (let i = 0; i < PREFIX_HEAD; i += 1) head = hashStep(head, key.charCodeAt(i));
      this.prefixHeads[head & HEAD_BITS] = 1;
      if (key.length >= this.prefixLengths.length) {
        const grown = new Uint8Array(key.length + 1);
        grown.set(this.prefixLengths);
        this.prefixLengths = grown;
      }
      this.prefixLengths[key.length] = 1;
      this.longestPrefix = Math.max(this.longestPrefix, key.length);
    } else {
      this.words.add(hash, symbol);
    }
    return symbol;
  }

  private storeChars(key: string): number {
    if (this.charCount + key.length > this.chars.length) {
      const grown = new Uint16Array(Math.max(this.chars.length * 2, this.charCount + key.length));
      grown.set(this.chars);
      this.chars = grown;
    }
    const at = this.charCount;
    for (let i = 0; i < key.length; i += 1) this.chars[at + i] = key.charCodeAt(i);
    this.charCount += key.length;
    return at;
  }

  /** `find` for ASCII letters and digits in any case: the tokenizer's hot path. */
  private findInText(table: SymbolTable, hash: number, text: string, start: number, end: number): number {
    const { slots, mask } = table;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const symbolPlusOne = slots[2 * slot + 1] as number;
      if (symbolPlusOne === 0) return -1;
      if (slots[2 * slot] === hash && this.sameAscii(symbolPlusOne - 1, text, start, end)) return symbolPlusOne - 1;
    }
  }

  private sameAscii(symbol: number, text: string, start: number, end: number): boolean {
    if (this.charLength[symbol] !== end - start) return false;
    const chars = this.chars;
    const from = this.charStart[symbol] as number;
    for (let i = start; i < end; i += 1) if ((text.charCodeAt(i) | 0x20) !== chars[from + i - start]) return false;
    return true;
  }

  /** The symbol in `table` whose text is the folded `key[0, length)` and whose hash is `hash`, or -1. */
  private find(table: SymbolTable, hash: number, key: string, length: number): number {
    const { slots, mask } = table;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const symbolPlusOne = slots[2 * slot + 1] as number;
      if (symbolPlusOne === 0) return -1;
      if (slots[2 * slot] !== hash) continue;
      const candidate = this.keyOf[symbolPlusOne - 1] as string;
      if (candidate.length === length && key.startsWith(candidate)) return symbolPlusOne - 1;
    }
  }
}
