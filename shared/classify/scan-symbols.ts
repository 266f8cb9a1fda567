import { appendRun, asciiAcronymKey, asciiWordKey, isAsciiAcronym, isHyphen, isUpperCaseAscii, type TokenStream } from './tokenize.ts';
import { HASH_SEED, PREFIX_HEAD, hashStep, type WordIndex } from './word-index.ts';

/**
 * What the matcher walks: a field's tokens (the same as `scanTokens` gives) with, per token, the
 * symbols of the word index it reads as: `symbols[symbolStart[i]]` up to `symbols[symbolStart[i + 1]]`.
 * Typed arrays reused from item to item: a stream is valid until the next scan into it.
 */
export interface SymbolStream {
  text: string;
  length: number;
  starts: Int32Array;
  ends: Int32Array;
  /** 1 when the token is joined to the next by a hyphen ("cease-fire"). */
  joinNext: Uint8Array;
  /** Whether any token is joined to the next. */
  hasJoins: boolean;
  symbolStart: Int32Array;
  symbols: Int32Array;
  /**
   * Folded keys, made only when asked for (`tokenKey`) or when the word needed folding:
   * `keys[i]` is token i's when `keyScan[i]` equals `scan` (so nothing needs clearing).
   */
  keys: string[];
  keyScan: Int32Array;
  /** Counts the scans into this stream. */
  scan: number;
}

/** A stream to scan into, with room for a few hundred tokens to start with. */
export function createSymbolStream(): SymbolStream {
  return {
    text: '',
    length: 0,
    starts: new Int32Array(256),
    ends: new Int32Array(256),
    joinNext: new Uint8Array(256),
    hasJoins: false,
    symbolStart: new Int32Array(257),
    symbols: new Int32Array(512),
    keys: new Array<string>(256).fill(''),
    keyScan: new Int32Array(256),
    scan: 0,
  };
}

/** Character classes of ASCII: 1 letter or digit, 2 dot or apostrophe (inside words), 0 else. */
const ASCII_CLASS: Uint8Array = (() => {
  const classes = new Uint8Array(128);
  for (let c = 48; c <= 57; c += 1) classes[c] = 1;
  for (let c = 65; c <= 90; c += 1) classes[c] = 1;
  for (let c = 97; c <= 122; c += 1) classes[c] = 1;
  classes[46] = 2;
  classes[39] = 2;
  return classes;
})();
const RIGHT_QUOTE = 0x2019;
const APOSTROPHE = 39;
const DOT = 46;
/** A letter, digit or combining mark outside ASCII, tested at one position. */
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/uy;

/**
 * Tokenizes `text` exactly as `scanTokens` does and reads each token into `index`'s symbols in
 * the same pass. A plain ASCII word (most words) is hashed as its characters are read, so it
 * reaches its symbols with no string built; other words (acronyms, possessives, diacritics)
 * are folded as `scanTokens` folds them, then looked up.
 */
export function scanSymbols(text: string, index: WordIndex, stream: SymbolStream = createSymbolStream()): SymbolStream {
  const n = text.length;
  reserveTokens(stream, n + 1);
  stream.text = text;
  stream.length = 0;
  stream.hasJoins = false;
  stream.scan += 1;
  // Reading a fresh lower-case copy is faster than reading the caller's string (often a slice
  // of a larger one). The original is read when lower-casing changes the length (rare
  // non-ASCII letters) or turns a non-ASCII letter into an ASCII one (only the Kelvin sign).
  const lower = text.toLowerCase();
  const source = lower.length === n && !text.includes('\u212a') ? lower : text;
  const { needsCapitals } = index;
  let { starts, ends, joinNext, symbolStart, symbols } = stream;
  let count = 0;
  let symbolCount = 0;
  symbolStart[0] = 0;
  let previousRunEnd = -2;
  let previousRunLast = -1;
  let i = 0;
  while (i < n) {
    // Separators (spaces, punctuation) in a tight loop: about one character in six.
    let first = source.charCodeAt(i);
    while (first < 128 && ASCII_CLASS[first] === 0) {
      i += 1;
      if (i === n) break;
      first = source.charCodeAt(i);
    }
    if (i === n) break;
    const runStart = i;
    let plain = true;
    let ascii = true;
    let hash = HASH_SEED;
    /** The hash of the word's first PREFIX_HEAD characters: whether it may start a prefix. */
    let head = 0;
    // Where the word ends and where its token ends: they differ for "Iran's" (the token keeps
    // the possessive, the word does not), and the run goes on past a final dot ("said.").
    let wordEnd = -1;
    let tokenEnd = -1;
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c < 128) {
        const kind = ASCII_CLASS[c] as number;
        if (kind === 1) {
          i += 1;
          hash = hashStep(hash, c | 0x20);
          if (i - runStart === PREFIX_HEAD) head = hash;
          continue;
        }
        if (kind === 0) break;
        // The two common endings `scanTokens` would fold the slow way: a sentence's final dot
        // after a word of two or more characters ("U." alone is an acronym), and "'s".
        if (plain && ascii && i > runStart && wordEnd < 0) {
          if (c === DOT && i - runStart >= 2 && endsRun(source, i + 1)) {
            wordEnd = i;
            tokenEnd = i;
            i += 1;
            break;
          }
          if (c === APOSTROPHE && isPossessiveS(source, i + 1) && endsRun(source, i + 2)) {
            wordEnd = i;
            tokenEnd = i + 2;
            i += 2;
            break;
          }
        }
        plain = false;
        i += 1;
        continue;
      }
      if (c === RIGHT_QUOTE) {
        if (plain && ascii && i > runStart && isPossessiveS(source, i + 1) && endsRun(source, i + 2)) {
          wordEnd = i;
          tokenEnd = i + 2;
          i += 2;
          break;
        }
        plain = false;
        i += 1;
        continue;
      }
      WORD_CHAR.lastIndex = i;
      if (!WORD_CHAR.test(source)) break;
      ascii = false;
      i = WORD_CHAR.lastIndex;
    }
    if (i === runStart) {
      i += 1;
      continue;
    }
    const before = count;
    if (plain && ascii) {
      if (wordEnd < 0) {
        wordEnd = i;
        tokenEnd = i;
      }
      // Prefix symbols, shortest first, after the word's own (put first below).
      const firstSymbol = symbolCount;
      if (wordEnd - runStart >= PREFIX_HEAD && index.mayStartPrefix(head))
        symbolCount = appendPrefixes(index, source, runStart, wordEnd, stream, symbolCount);
      symbols = stream.symbols;
      let word = index.wordInText(source, runStart, wordEnd, hash);
      if (word >= 0 && needsCapitals[word] === true && !isUpperCaseAscii(text, runStart, wordEnd)) word = -1;
      if (word >= 0) {
        if (symbolCount === symbols.length) symbols = growSymbols(stream);
        // The word's own symbol goes before its prefixes.
        for (let s = symbolCount; s > firstSymbol; s -= 1) symbols[s] = symbols[s - 1] as number;
        symbols[firstSymbol] = word;
        symbolCount += 1;
      }
      // A possessive's key is its word's, which `tokenKey` cannot read off the token's span.
      if (tokenEnd !== wordEnd) setKey(stream, count, asciiWordKey(text, runStart, wordEnd));
      starts[count] = runStart;
      ends[count] = tokenEnd;
      joinNext[count] = 0;
      count += 1;
      symbolStart[count] = symbolCount;
    } else if (ascii && isAsciiAcronym(text, runStart, i)) {
      // "U.S.", "U.N.": the most common run with dots, read without the general path's regex and copies.
      starts[count] = runStart;
      ends[count] = i;
      joinNext[count] = 0;
      const key = asciiAcronymKey(text, runStart, i);
      setKey(stream, count, key);
      const found = index.lookup(key, lookupBuffer);
      for (let s = 0; s < found; s += 1) {
        if (symbolCount === symbols.length) symbols = growSymbols(stream);
        symbols[symbolCount++] = lookupBuffer[s] as number;
      }
      count += 1;
      symbolStart[count] = symbolCount;
    } else {
      const slowRun: TokenStream = { length: 0, keys: [], starts: [], ends: [], joinNext: [] };
      appendRun(slowRun, text, runStart, i, plain);
      for (let t = 0; t < slowRun.length; t += 1) {
        const key = slowRun.keys[t] as string;
        starts[count] = slowRun.starts[t] as number;
        ends[count] = slowRun.ends[t] as number;
        joinNext[count] = 0;
        setKey(stream, count, key);
        const found = index.lookup(key, lookupBuffer);
        for (let s = 0; s < found; s += 1) {
          if (symbolCount === symbols.length) symbols = growSymbols(stream);
          symbols[symbolCount++] = lookupBuffer[s] as number;
        }
        count += 1;
        symbolStart[count] = symbolCount;
      }
    }
    // "cease-fire": the previous run ended just before a hyphen that touches this run.
    if (
      previousRunEnd + 1 === runStart &&
      count > before &&
      previousRunLast === before - 1 &&
      isHyphen(source.charCodeAt(previousRunEnd))
    ) {
      joinNext[previousRunLast] = 1;
      stream.hasJoins = true;
    }
    previousRunLast = count > before ? count - 1 : -1;
    previousRunEnd = i;
  }
  stream.length = count;
  return stream;
}

const lookupBuffer: number[] = [];

/**
 * Appends the symbols of the prefixes the ASCII word `text[start, end)` starts with, shortest
 * first, and returns the new symbol count. Only for words whose head may start a prefix.
 */
function appendPrefixes(index: WordIndex, text: string, start: number, end: number, stream: SymbolStream, symbolCount: number): number {
  const { prefixLengths, longestPrefix } = index;
  const last = Math.min(end, start + longestPrefix);
  let hash = HASH_SEED;
  let count = symbolCount;
  for (let i = start; i < last; i += 1) {
    hash = hashStep(hash, text.charCodeAt(i) | 0x20);
    if (prefixLengths[i + 1 - start] !== 1) continue;
    const prefix = index.prefixInText(text, start, i + 1, hash);
    if (prefix < 0) continue;
    if (count === stream.symbols.length) growSymbols(stream);
    (stream.symbols as Int32Array)[count++] = prefix;
  }
  return count;
}

/** Whether a run of word characters ends before `at`: the text ends, or an ASCII separator follows. */
function endsRun(text: string, at: number): boolean {
  if (at >= text.length) return true;
  const c = text.charCodeAt(at);
  return c < 128 && ASCII_CLASS[c] === 0;
}

function isPossessiveS(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c === 115 || c === 83;
}

/** The folded key of token `i` (as `scanTokens` gives it), made on first use for plain words. */
export function tokenKey(stream: SymbolStream, i: number): string {
  if (stream.keyScan[i] === stream.scan) return stream.keys[i] as string;
  const key = asciiWordKey(stream.text, stream.starts[i] as number, stream.ends[i] as number);
  setKey(stream, i, key);
  return key;
}

function setKey(stream: SymbolStream, i: number, key: string): void {
  stream.keys[i] = key;
  stream.keyScan[i] = stream.scan;
}

/** Makes room for `tokens` tokens (a text of n characters has at most n + 1). */
function reserveTokens(stream: SymbolStream, tokens: number): void {
  if (stream.starts.length >= tokens) return;
  const size = Math.max(tokens, stream.starts.length * 2);
  stream.starts = new Int32Array(size);
  stream.ends = new Int32Array(size);
  stream.joinNext = new Uint8Array(size);
  stream.symbolStart = new Int32Array(size + 1);
  stream.keyScan = new Int32Array(size);
  stream.keys = new Array<string>(size).fill('');
}

function growSymbols(stream: SymbolStream): Int32Array {
  const grown = new Int32Array(stream.symbols.length * 2);
  grown.set(stream.symbols);
  stream.symbols = grown;
  return grown;
}
