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

/** Runs of letters, digits, marks, apostrophes and dots: words before they are split. */
const RUN = /[\p{L}\p{N}\p{M}'’.]+/gu;
const ACRONYM = /^(?:\p{L}\.)+\p{L}?\.?$/u;
const DETACHED_POSSESSIVE = /^['’][sS]$/;
const APOSTROPHES = /['’]/g;
const COMBINING_MARKS = /\p{M}/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const TRIM_CHARS = new Set(["'", '’', '.']);
const HYPHENS = new Set(['-', '\u2010', '\u2011']);

/**
 * Short words that are a country or an organisation only when written in capitals ("US", "U.N.")
 * and an ordinary word otherwise ("told us", "un-American"). Lower-case forms get a marked key
 * that no phrase can produce.
 */
const CAPITALS_ONLY = new Set(['us', 'un', 'who', 'au', 'pm', 'fa', 'sec', 'ira', 'sla', 'jem', 'milf', 'eln', 'oas', 'cis', 'ilo', 'fao']);
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

/**
 * Splits plain text into tokens in one pass: acronyms with dots are one word ("U.N." → "un"),
 * possessives are folded into their word ("Council's" → "council"), a detached "'s" (AG News'
 * "Sadr #39;s") is dropped, words glued by dots are split ("N.Korea" → "n", "korea"), and
 * hyphenated words stay separate tokens marked `joinNext` so the matcher can also read them
 * joined.
 *
 * `caseSensitive` keeps "US"/"UN" apart from "us"/"un"; phrases are tokenized without it.
 */
export function tokenize(text: string, caseSensitive = true): Token[] {
  const tokens: Token[] = [];
  /** Index of the last token of the previous run and where that run ended. */
  let previousLast = -1;
  let previousRunEnd = -1;
  RUN.lastIndex = 0;
  for (let match = RUN.exec(text); match !== null; match = RUN.exec(text)) {
    const run = match[0];
    const runStart = match.index;
    const runEnd = runStart + run.length;
    if (
      previousLast >= 0 &&
      previousRunEnd + 1 === runStart &&
      HYPHENS.has(text.charAt(previousRunEnd)) &&
      previousLast === tokens.length - 1
    ) {
      (tokens[previousLast] as Token).joinNext = true;
    }
    const before = tokens.length;
    pushRun(run, runStart, tokens, caseSensitive);
    previousLast = tokens.length > before ? tokens.length - 1 : -1;
    previousRunEnd = runEnd;
  }
  return tokens;
}

function pushRun(run: string, runStart: number, tokens: Token[], caseSensitive: boolean): void {
  if (DETACHED_POSSESSIVE.test(run)) return;
  let start = 0;
  while (start < run.length && TRIM_CHARS.has(run.charAt(start))) start += 1;
  if (start === run.length) return;
  let body = run.slice(start);
  if (ACRONYM.test(body)) {
    const letters = body.replaceAll('.', '');
    let key = foldWord(letters);
    if (caseSensitive && CAPITALS_ONLY.has(key) && !isUpperCase(letters)) key = `${key}${LOWERCASE_MARK}`;
    tokens.push({ key, start: runStart + start, end: runStart + run.length, joinNext: false });
    return;
  }
  let end = run.length;
  while (end > start && TRIM_CHARS.has(run.charAt(end - 1))) end -= 1;
  body = run.slice(start, end);
  // Words glued by dots ("N.Korea", "ORCL.O") are separate words.
  let pieceStart = 0;
  for (let i = 0; i <= body.length; i += 1) {
    if (i < body.length && body.charAt(i) !== '.') continue;
    if (i > pieceStart) pushWord(body.slice(pieceStart, i), runStart + start + pieceStart, tokens, caseSensitive);
    pieceStart = i + 1;
  }
}

function pushWord(word: string, at: number, tokens: Token[], caseSensitive: boolean): void {
  let stem = word;
  const last = word.length - 1;
  // Possessives: "Council's", "Council’s" and plural "rebels'" (the trailing apostrophe is trimmed).
  if (last >= 2 && (word.charAt(last) === 's' || word.charAt(last) === 'S')) {
    const apostrophe = word.charAt(last - 1);
    if (apostrophe === "'" || apostrophe === '’') stem = word.slice(0, last - 1);
  }
  let key = foldWord(stem);
  if (key.length === 0) return;
  if (caseSensitive && CAPITALS_ONLY.has(key) && !isUpperCase(stem)) key = `${key}${LOWERCASE_MARK}`;
  tokens.push({ key, start: at, end: at + word.length, joinNext: false });
}
