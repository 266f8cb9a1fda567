import { tokenize } from './tokenize.ts';

/** One word of a phrase pattern: an exact key, or a prefix when the phrase wrote `word*`. */
export interface PatternWord {
  key: string;
  prefix: boolean;
}

/** A part of a written phrase before lexicon classes are expanded. */
export type PhrasePart = { kind: 'words'; text: string; words: PatternWord[]; hyphenJoins: boolean[] } | { kind: 'class'; name: string };

const CLASS_REF = /^@([a-z][a-z0-9-]*)$/;

/**
 * Parses a phrase as topic files write it: words separated by spaces, matched on folded tokens
 * (case, diacritics, possessives, dots in acronyms ignored); `word*` matches any word starting
 * with `word`; `@name` stands for every phrase of lexicon class `name`. Returns an error text
 * for a phrase the matcher could never match.
 */
export function parsePhrase(phrase: string): { parts: PhrasePart[] } | { error: string } {
  const parts: PhrasePart[] = [];
  for (const chunk of phrase.trim().split(/\s+/)) {
    if (chunk.startsWith('@')) {
      const ref = CLASS_REF.exec(chunk);
      if (!ref) return { error: `"${chunk}" is not a lexicon class reference (use @lower-case-name)` };
      parts.push({ kind: 'class', name: ref[1] as string });
      continue;
    }
    const prefix = chunk.endsWith('*');
    const body = prefix ? chunk.slice(0, -1) : chunk;
    if (body.includes('*')) return { error: `"${chunk}": "*" may only end a word` };
    const tokens = tokenize(body, false);
    if (tokens.length === 0) {
      if (body.length === 0 && prefix) return { error: 'a lone "*" matches every word' };
      // Punctuation-only chunks ("-", "&") carry nothing the tokenizer keeps.
      continue;
    }
    const words = tokens.map((t, i) => ({ key: t.key, prefix: prefix && i === tokens.length - 1 }));
    const lastWord = words[words.length - 1] as PatternWord;
    if (lastWord.prefix && lastWord.key.length < 3) return { error: `"${chunk}": a prefix needs at least 3 letters` };
    parts.push({ kind: 'words', text: chunk, words, hyphenJoins: tokens.map((t) => t.joinNext) });
  }
  if (parts.length === 0) return { error: `"${phrase}" has no words` };
  return { parts };
}

/**
 * The word sequences a list of parts stands for: written split ("cease fire") and, where the
 * phrase hyphenated words, also joined ("ceasefire"), so either spelling in a text matches.
 */
export function wordVariants(words: PatternWord[], hyphenJoins: boolean[]): PatternWord[][] {
  // Nothing hyphenated (a join after the last word joins nothing): the words as written only.
  if (!hyphenJoins.some((joins, i) => joins && i < words.length - 1)) return [words];
  let variants: PatternWord[][] = [[]];
  let i = 0;
  while (i < words.length) {
    let end = i;
    while (end < words.length - 1 && hyphenJoins[end]) end += 1;
    const group = words.slice(i, end + 1);
    if (group.length === 1) {
      variants = variants.map((v) => [...v, group[0] as PatternWord]);
    } else {
      const joined: PatternWord = {
        key: group.map((w) => w.key).join(''),
        prefix: (group[group.length - 1] as PatternWord).prefix,
      };
      variants = variants.flatMap((v) => [
        [...v, ...group],
        [...v, joined],
      ]);
    }
    i = end + 1;
  }
  return variants;
}
