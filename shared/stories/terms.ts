import { ANCHOR_PHRASES, MAX_ANCHOR_WORDS, MAX_SYNONYM_WORDS, PLACE_STATES, SYNONYMS } from './vocabulary.ts';
import { contentKey, splitCasedWords, STOPWORDS } from './tokenize.ts';

/** The terms of one text: content keys in order, which of them name someone, and the anchors named. */
export interface TextTerms {
  /** Content keys (stems, `#n` numbers, anchors), in order of first appearance, unique. */
  keys: string[];
  /** Keys that are names: anchors (states, bodies) and capitalised words inside a sentence. */
  names: string[];
  /** States, places and bodies named (canonical anchors, see `vocabulary.ts`). */
  anchors: string[];
}

/** Anchor keys carry a prefix no stem has, so they never meet an ordinary word. */
const ANCHOR_PREFIX = '@';

/**
 * Reads a headline or summary: multi-word anchors and synonyms are joined first ("Sri Lanka",
 * "Security Council", "second round"), each word is read through the synonyms, then stemmed.
 * A capitalised word that does not open a sentence (or a headline in title case) is a name.
 */
export function readTerms(text: string, options: { titleCase?: boolean } = {}): TextTerms {
  const words = splitCasedWords(text);
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
      const capitalised = /^\p{Lu}/u.test(word.cased) && !STOPWORDS.has(word.word);
      if (capitalised && !word.sentenceStart && !options.titleCase && !key.startsWith('#')) names.add(key);
      // Acronyms ("PPP", "CNRP") are names wherever they stand.
      if (/^\p{Lu}{2,}$/u.test(word.cased) && !key.startsWith('#')) names.add(key);
    }
    i += length;
  }
  return { keys: [...new Set(keys)], names: [...names], anchors: [...anchors] };
}

/** Whether a headline is in title case ("Medtronic Quarterly Earnings Rise"): its capitals name nothing. */
export function isTitleCase(title: string): boolean {
  const words = splitCasedWords(title).filter((w) => !STOPWORDS.has(w.word) && /^\p{L}/u.test(w.cased));
  if (words.length < 3) return false;
  return words.filter((w) => /^\p{Lu}/u.test(w.cased)).length / words.length >= 0.7;
}

function longestPhrase(
  words: { word: string }[],
  start: number,
  maxWords: number,
  phrases: ReadonlyMap<string, string>,
): { value: string; length: number } | undefined {
  for (let length = Math.min(maxWords, words.length - start); length >= 1; length--) {
    const phrase = words
      .slice(start, start + length)
      .map((w) => w.word)
      .join(' ');
    const value = phrases.get(phrase);
    if (value !== undefined) return { value, length };
  }
  return undefined;
}
