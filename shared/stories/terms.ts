import { ANCHOR_PHRASES, MAX_ANCHOR_WORDS, MAX_SYNONYM_WORDS, PLACE_STATES, SYNONYMS } from './vocabulary.ts';
import { contentKey, STOPWORDS, type CasedWord } from './tokenize.ts';

/** The terms of one text: content keys in order, which of them name someone, and the anchors named. */
export interface TextTerms {
  /** Content keys (stems, `#n` numbers, anchors), in order of first appearance, unique. */
  keys: string[];
  /** Keys that are names: anchors (states, bodies) and capitalised words inside a sentence. */
  names: string[];
  /** States, places and bodies named (canonical anchors, see `vocabulary.ts`). */
  anchors: string[];
}

/**
 * Patterns with Unicode property escapes are module constants: the bundler writes each such
 * literal as `new RegExp(…)`, which inside a loop builds a RegExp object per word.
 */
const OPENS_CAPITAL = /^\p{Lu}/u;
const OPENS_LETTER = /^\p{L}/u;
const ACRONYM_WORD = /^\p{Lu}{2,}$/u;

/** Anchor keys carry a prefix no stem has, so they never meet an ordinary word. */
const ANCHOR_PREFIX = '@';

/**
 * Reads a headline or summary: multi-word anchors and synonyms are joined first ("Sri Lanka",
 * "Security Council", "second round"), each word is read through the synonyms, then stemmed.
 * A capitalised word that does not open a sentence (or a headline in title case) is a name.
 * Takes the text's words (`splitCasedWords`), which the caller reads for other signals too.
 */
export function readTerms(words: readonly CasedWord[], options: { titleCase?: boolean } = {}): TextTerms {
  const keys: string[] = [];
  const names = new Set<string>();
  const anchors = new Set<string>();
  for (let i = 0; i < words.length; ) {
    const anchor = longestPhrase(words, i, MAX_ANCHOR_WORDS, ANCHOR_PHRASES);
    if (anchor) {
      // "US" in upper case only: "us" the pronoun is not a state.
      const surface = words.slice(i, i + anchor.length).map((w) => w.cased);
      if (!(anchor.value === 'us' && anchor.length === 1 && surface[0] !== 'US' && surface[0] !== 'U.S')) {
        // A place names its state too: "Hatay quake" and "Turkey quake" share Turkey.
        for (const value of [anchor.value, PLACE_STATES.get(anchor.value)]) {
          if (value === undefined) continue;
          const key = `${ANCHOR_PREFIX}${value}`;
          keys.push(key);
          names.add(key);
          anchors.add(value);
        }
        i += anchor.length;
        continue;
      }
    }
    const synonym = longestPhrase(words, i, MAX_SYNONYM_WORDS, SYNONYMS);
    const word = words[i]!;
    const surface = synonym ? synonym.value : word.word;
    const length = synonym ? synonym.length : 1;
    const key = contentKey(surface);
    if (key !== undefined) {
      keys.push(key);
      const capitalised = OPENS_CAPITAL.test(word.cased) && !STOPWORDS.has(word.word);
      if (capitalised && !word.sentenceStart && !options.titleCase && !key.startsWith('#')) names.add(key);
      // Acronyms ("PPP", "CNRP") are names wherever they stand.
      if (ACRONYM_WORD.test(word.cased) && !key.startsWith('#')) names.add(key);
    }
    i += length;
  }
  return { keys: [...new Set(keys)], names: [...names], anchors: [...anchors] };
}

/** Whether a headline is in title case ("Medtronic Quarterly Earnings Rise"): its capitals name nothing. */
export function isTitleCase(titleWords: readonly CasedWord[]): boolean {
  const words = titleWords.filter((w) => !STOPWORDS.has(w.word) && OPENS_LETTER.test(w.cased));
  if (words.length < 3) return false;
  return words.filter((w) => OPENS_CAPITAL.test(w.cased)).length / words.length >= 0.7;
}

function longestPhrase(
  words: readonly CasedWord[],
  start: number,
  maxWords: number,
  phrases: ReadonlyMap<string, string>,
): { value: string; length: number } | undefined {
  const first = words[start]!.word;
  // Only a word that opens some phrase can open a match, and no longer than that phrase.
  const longest = Math.min(maxWords, words.length - start, phraseLengths(phrases).get(first) ?? 0);
  if (longest === 0) return undefined;
  const candidates = [first];
  for (let length = 2; length <= longest; length++) candidates.push(`${candidates[length - 2]} ${words[start + length - 1]!.word}`);
  for (let length = longest; length >= 1; length--) {
    const value = phrases.get(candidates[length - 1]!);
    if (value !== undefined) return { value, length };
  }
  return undefined;
}

/** Per phrase table: each first word, with the most words of a phrase it opens. */
const lengthsByTable = new WeakMap<ReadonlyMap<string, string>, Map<string, number>>();

function phraseLengths(phrases: ReadonlyMap<string, string>): Map<string, number> {
  let lengths = lengthsByTable.get(phrases);
  if (lengths === undefined) {
    lengths = new Map();
    for (const phrase of phrases.keys()) {
      const parts = phrase.split(' ');
      lengths.set(parts[0]!, Math.max(lengths.get(parts[0]!) ?? 0, parts.length));
    }
    lengthsByTable.set(phrases, lengths);
  }
  return lengths;
}
