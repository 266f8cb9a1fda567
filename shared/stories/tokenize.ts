import { stemmer } from 'stemmer';

/**
 * Words of news text as the story matcher compares them: lower case, diacritics folded,
 * acronyms joined ("U.S." → "us"), possessives dropped, hyphenated words split ("test-fired" →
 * "test", "fired"), numbers without separators ("4,400" → "4400", "$3B" → "3"), spelled
 * numbers up to twelve as digits so "three troops" meets "3 troops".
 */

const ACRONYM = /\b(?:\p{L}\.){2,}/gu;
const POSSESSIVE = /['’]s\b/g;
const APOSTROPHE = /['’]/g;
const WORD = /\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?(?![\p{L}\p{N}])|[\p{L}\p{N}]+/gu;
const COMBINING_MARKS = /\p{M}/gu;
/** "1.16m bpd", "$3bn", "50bp": a figure with its unit glued on, read as the figure and the unit. */
const GLUED_UNIT = /(\d(?:[\d,]*\d)?(?:\.\d+)?)(m|mn|bn|tn|k|bp|bps|km|mph|kg)\b/gi;
const UNIT_WORDS: Record<string, string> = { m: 'million', mn: 'million', bn: 'billion', tn: 'trillion', k: 'thousand', bps: 'bp' };
const NON_ASCII = /[^\x00-\x7f]/;
const DIGIT = /\d/;

/** A Map, not an object: a word of the text such as "constructor" must not find Object's own properties. */
const SPELLED: ReadonlyMap<string, string> = new Map([
  ['one', '1'],
  ['two', '2'],
  ['three', '3'],
  ['four', '4'],
  ['five', '5'],
  ['six', '6'],
  ['seven', '7'],
  ['eight', '8'],
  ['nine', '9'],
  ['ten', '10'],
  ['eleven', '11'],
  ['twelve', '12'],
  ['dozen', '12'],
]);

/** Words of a text in order (see the module comment); numbers come back as digit strings. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const prepared = prepare(text);
  WORD.lastIndex = 0;
  for (let match = WORD.exec(prepared); match !== null; match = WORD.exec(prepared)) words.push(wordOf(match[0]));
  return words;
}

/** A word as `splitWords` gives it, with its written form and whether it opens a sentence. */
export interface CasedWord {
  word: string;
  cased: string;
  sentenceStart: boolean;
}

const SPACE = 0x20;
/** What between two words opens a sentence: a stop, colon, quote or bracket, or a spaced dash. */
const SENTENCE_BREAK = /[.!?:;"'‘“([]\s*$|\s[-–—]\s*$/;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** `splitWords`, keeping each word's case and place (a capital opening a sentence names nothing). */
export function splitCasedWords(text: string): CasedWord[] {
  const prepared = prepare(text);
  const words: CasedWord[] = [];
  let last = 0;
  // `exec` over the shared global pattern rather than `matchAll`: no iterator, no copy of the pattern.
  WORD.lastIndex = 0;
  for (let match = WORD.exec(prepared); match !== null; match = WORD.exec(prepared)) {
    const cased = match[0];
    // Most words are parted by one space, which opens no sentence: no slice, no regex.
    const sentenceStart =
      words.length === 0 ||
      ((match.index - last !== 1 || prepared.charCodeAt(last) !== SPACE) && SENTENCE_BREAK.test(prepared.slice(last, match.index)));
    last = match.index + cased.length;
    words.push({ word: wordOf(cased), cased, sentenceStart });
  }
  return words;
}

/** A text with acronyms joined, possessives and apostrophes dropped, glued units parted and diacritics folded. */
function prepare(text: string): string {
  // Each rewrite needs a character most texts lack (a dot, an apostrophe, a digit): no scan without it.
  let prepared = text;
  if (prepared.includes('.')) prepared = prepared.replace(ACRONYM, (acronym) => acronym.replace(/\./g, ''));
  if (prepared.includes("'") || prepared.includes('’')) prepared = prepared.replace(POSSESSIVE, '').replace(APOSTROPHE, '');
  if (DIGIT.test(prepared)) {
    prepared = prepared.replace(GLUED_UNIT, (_, figure: string, unit: string) => `${figure} ${UNIT_WORDS[unit.toLowerCase()] ?? unit}`);
  }
  if (NON_ASCII.test(prepared)) prepared = prepared.normalize('NFD').replace(COMBINING_MARKS, '');
  return prepared;
}

/** A matched word as compared: lower case, a number without separators, a spelled number as digits. */
function wordOf(cased: string): string {
  let word = cased.toLowerCase();
  if (isDigit(word.charCodeAt(0))) word = word.replace(/,/g, '').replace(/\.$/, '');
  return SPELLED.get(word) ?? word;
}

/** Whether a word is a number (as `splitWords` writes them). */
export function isNumberWord(word: string): boolean {
  return isDigit(word.charCodeAt(0));
}

/**
 * Function words, and words every news item uses whatever happened (reporting verbs, weekdays,
 * agency names, units): they say nothing about which event an item reports. Weekdays and months
 * are read separately as time signals.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are around as at be because been before being below between both
  but by can could did do does doing down during each either even ever few for from further had has have having he her here
  hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
  only or other our ours out over own same she should so some such than that the their theirs them then there these they
  this those through to too under until up upon very was we were what when where which while who whom whose why will with
  within without would yet you your yours
  said says say saying told tells according reported reports report reporting quoted quoting announced statement
  official officials spokesman spokeswoman source sources
  monday tuesday wednesday thursday friday saturday sunday today yesterday tonight tomorrow week weeks weekend month
  months year years day days time times morning afternoon evening night last next earlier later ago since early late
  january february march april june july august september october november december sept oct nov dec jan feb aug
  new first percent pct per cent mr mrs ms dr may might must shall get gets got make makes made take takes took
  news update updated reuters ap afp upi ft quot amp com www http https
  its it's`
    .split(/\s+/)
    .filter(Boolean),
);

/** The comparison key of a word: its stem, `#n` for a number, undefined for a stopword. */
export function contentKey(word: string): string | undefined {
  if (isNumberWord(word)) return `#${word}`;
  if (word.length < 2 || STOPWORDS.has(word)) return undefined;
  return word.length < 3 ? word : stem(word);
}

/** Stems already computed: news repeats its words, and Porter stemming a word costs more than a lookup. */
const stems = new Map<string, string>();
/** Bound on `stems`: cleared when full, so a long-running process holds at most this many. */
const MAX_CACHED_STEMS = 50_000;

/** `stemmer(word)`, remembered. */
export function stem(word: string): string {
  let found = stems.get(word);
  if (found === undefined) {
    found = stemmer(word);
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, found);
  }
  return found;
}
