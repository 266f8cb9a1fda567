/**
 * One word of a field, as the matcher sees it. `key` is the folded form phrases are compared
 * with; `start`/`end` delimit the word (possessive included) in the field's plain text.
 */
export interface Token {
  key: string;
  start: number;
  end: number;
  /** Joined to the next token by a hyphen with no space ("cease-fire", "six-party"). */
  joinNext: boolean;
}

/** The tokens of a text as parallel arrays, with few allocations (`scanSymbols` makes what the matcher walks). */
export interface TokenStream {
  length: number;
  keys: string[];
  starts: number[];
  ends: number[];
  joinNext: boolean[];
}

const ACRONYM = /^(?:\p{L}\.)+\p{L}?\.?$/u;
const APOSTROPHES = /['’]/g;
const COMBINING_MARKS = /\p{M}/gu;
const NON_ASCII = /[^\x00-\x7f]/;
/** A letter, digit or combining mark outside ASCII, tested at one position. */
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/uy;
const APOSTROPHE = 39;
const RIGHT_QUOTE = 0x2019;
const DOT = 46;

/**
 * Short words that are a country or an organisation only when written in capitals ("US", "U.N.",
 * "WHO") and an ordinary word otherwise ("told us", "un-American", "who"). Lower-case forms get a
 * marked key that no phrase can produce.
 */
export const CAPITALS_ONLY: ReadonlySet<string> = new Set([
  'us',
  'un',
  'who',
  'au',
  'pm',
  'fa',
  'sec',
  'ira',
  'sla',
  'jem',
  'milf',
  'eln',
  'oas',
  'cis',
  'ilo',
  'fao',
]);
const LOWERCASE_MARK = '\u0000';

/** Lower case, diacritics folded ("Côte" → "cote"), apostrophes dropped ("Shi'ite" → "shiite"). */
export function foldWord(word: string): string {
  let key = word.toLowerCase();
  if (key.includes("'") || key.includes('’')) key = key.replace(APOSTROPHES, '');
  if (NON_ASCII.test(key)) key = key.normalize('NFD').replace(COMBINING_MARKS, '');
  return key;
}

function isUpperCase(word: string): boolean {
  return word === word.toUpperCase() && word !== word.toLowerCase();
}

/** Whether `text[from, to)` has an upper-case ASCII letter and no lower-case one (`isUpperCase` for ASCII). */
export function isUpperCaseAscii(text: string, from: number, to: number): boolean {
  let upper = false;
  for (let i = from; i < to; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) upper = true;
  }
  return upper;
}

/** The key of a plain ASCII word as `scanTokens` gives it: lower case, marked if it needs capitals and lacks them. */
export function asciiWordKey(text: string, start: number, end: number): string {
  const key = text.slice(start, end).toLowerCase();
  return key.length <= 4 && CAPITALS_ONLY.has(key) && !isUpperCaseAscii(text, start, end) ? `${key}${LOWERCASE_MARK}` : key;
}

/**
 * Whether `text[start, end)` is an ASCII acronym with dots that `scanTokens` reads as one word:
 * single letters each followed by a dot, the last dot optional ("U.S.", "U.N", "A.").
 */
export function isAsciiAcronym(text: string, start: number, end: number): boolean {
  if (end - start < 2) return false;
  for (let i = start; i < end; i += 2) {
    const c = text.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) return false;
    if (i + 1 < end && text.charCodeAt(i + 1) !== DOT) return false;
  }
  return true;
}

/** The key `scanTokens` gives an ASCII acronym (`isAsciiAcronym`): its letters in lower case, marked if it needs capitals and lacks them. */
export function asciiAcronymKey(text: string, start: number, end: number): string {
  let key = '';
  for (let i = start; i < end; i += 2) key += String.fromCharCode(text.charCodeAt(i) | 0x20);
  return key.length <= 4 && CAPITALS_ONLY.has(key) && !isUpperCaseAscii(text, start, end) ? `${key}${LOWERCASE_MARK}` : key;
}

function isAsciiAlphanumeric(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

export function isHyphen(c: number): boolean {
  return c === 45 || c === 0x2010 || c === 0x2011;
}

/**
 * Splits plain text into tokens in one pass over its characters: acronyms with dots are one word
 * ("U.N." → "un"), possessives are folded into their word ("Council's" → "council"), a detached
 * "'s" (AG News' "Sadr #39;s") is dropped, words glued by dots are split ("N.Korea" → "n",
 * "korea"), and hyphenated words stay separate tokens marked `joinNext` so the matcher can also
 * read them joined.
 *
 * `caseSensitive` keeps "US"/"UN" apart from "us"/"un"; phrases are tokenized without it.
 */
export function scanTokens(text: string, caseSensitive = true): TokenStream {
  const n = text.length;
  // Lower-casing once is cheaper than per word; offsets stay valid when the length does not change.
  const lower = text.toLowerCase();
  const sameOffsets = lower.length === n;
  const stream: TokenStream = { length: 0, keys: [], starts: [], ends: [], joinNext: [] };
  let previousRunEnd = -2;
  let previousRunLast = -1;
  let i = 0;
  while (i < n) {
    const runStart = i;
    let plain = true;
    let ascii = true;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        if (isAsciiAlphanumeric(c)) {
          i += 1;
          continue;
        }
        if (c !== DOT && c !== APOSTROPHE) break;
        plain = false;
        i += 1;
        continue;
      }
      if (c === RIGHT_QUOTE) {
        plain = false;
        i += 1;
        continue;
      }
      WORD_CHAR.lastIndex = i;
      if (!WORD_CHAR.test(text)) break;
      ascii = false;
      i = WORD_CHAR.lastIndex;
    }
    if (i === runStart) {
      i += 1;
      continue;
    }
    const before = stream.length;
    if (plain && ascii && sameOffsets) pushKey(stream, lower.slice(runStart, i), text, runStart, i, caseSensitive);
    else appendRun(stream, text, runStart, i, plain, caseSensitive);
    // "cease-fire": the previous run ended just before a hyphen that touches this run.
    if (
      stream.length > before &&
      previousRunLast === before - 1 &&
      previousRunEnd + 1 === runStart &&
      isHyphen(text.charCodeAt(previousRunEnd))
    ) {
      stream.joinNext[previousRunLast] = true;
    }
    previousRunLast = stream.length > before ? stream.length - 1 : -1;
    previousRunEnd = i;
  }
  return stream;
}

/**
 * Appends the tokens of the run `text[runStart, end)`: one folded word when it is `plain` (no
 * dots or apostrophes), else what `pushRun` makes of acronyms, possessives and glued words.
 */
export function appendRun(stream: TokenStream, text: string, runStart: number, end: number, plain: boolean, caseSensitive = true): void {
  if (plain) pushKey(stream, foldWord(text.slice(runStart, end)), text, runStart, end, caseSensitive);
  else pushRun(stream, text.slice(runStart, end), runStart, caseSensitive);
}

/** The tokens as objects (for phrases, tests and tools; the matcher reads the stream). */
export function tokenize(text: string, caseSensitive = true): Token[] {
  const stream = scanTokens(text, caseSensitive);
  return stream.keys.map((key, i) => ({
    key,
    start: stream.starts[i] as number,
    end: stream.ends[i] as number,
    joinNext: stream.joinNext[i] as boolean,
  }));
}

/**
 * Appends a token. `source.slice(from, to)` is the word as written, read only to tell "US" from
 * "us"; `start`/`end` are the token's offsets.
 */
function pushKey(
  stream: TokenStream,
  key: string,
  source: string,
  start: number,
  end: number,
  caseSensitive: boolean,
  from = start,
  to = end,
): void {
  if (key.length === 0) return;
  const marked =
    caseSensitive && key.length <= 4 && CAPITALS_ONLY.has(key) && !isUpperCase(source.slice(from, to)) ? `${key}${LOWERCASE_MARK}` : key;
  stream.keys.push(marked);
  stream.starts.push(start);
  stream.ends.push(end);
  stream.joinNext.push(false);
  stream.length += 1;
}

/** A run with dots or apostrophes: acronyms, possessives, quotes, glued words. */
function pushRun(stream: TokenStream, run: string, runStart: number, caseSensitive: boolean): void {
  // A detached possessive ("Sadr 's") belongs to the previous word, which already has its key.
  if (run.length === 2 && (run.charCodeAt(0) === APOSTROPHE || run.charCodeAt(0) === RIGHT_QUOTE) && (run[1] === 's' || run[1] === 'S'))
    return;
  let start = 0;
  while (start < run.length && isTrimmed(run.charCodeAt(start))) start += 1;
  if (start === run.length) return;
  const body = run.slice(start);
  if (ACRONYM.test(body)) {
    const letters = body.replaceAll('.', '');
    pushKey(stream, foldWord(letters), letters, runStart + start, runStart + run.length, caseSensitive, 0, letters.length);
    return;
  }
  let end = run.length;
  while (end > start && isTrimmed(run.charCodeAt(end - 1))) end -= 1;
  const word = run.slice(start, end);
  // Words glued by dots ("N.Korea", "ORCL.O") are separate words.
  let pieceStart = 0;
  for (let i = 0; i <= word.length; i += 1) {
    if (i < word.length && word.charCodeAt(i) !== DOT) continue;
    if (i > pieceStart) pushWord(stream, word.slice(pieceStart, i), runStart + start + pieceStart, caseSensitive);
    pieceStart = i + 1;
  }
}

function isTrimmed(c: number): boolean {
  return c === APOSTROPHE || c === RIGHT_QUOTE || c === DOT;
}

function pushWord(stream: TokenStream, word: string, at: number, caseSensitive: boolean): void {
  let stem = word;
  const last = word.length - 1;
  // Possessives: "Council's", "Council’s" (plural "rebels'" lost its apostrophe to trimming).
  if (last >= 2 && (word[last] === 's' || word[last] === 'S')) {
    const apostrophe = word.charCodeAt(last - 1);
    if (apostrophe === APOSTROPHE || apostrophe === RIGHT_QUOTE) stem = word.slice(0, last - 1);
  }
  pushKey(stream, foldWord(stem), stem, at, at + word.length, caseSensitive, 0, stem.length);
}
