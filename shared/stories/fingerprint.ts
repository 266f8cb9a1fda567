import { z } from 'zod';
import { normalizeStoryText } from './normalize-text.ts';
import { changeSizesOf, countsOf, leadSentence, monthsOf, ordinalsOf, qualifiersOf, stagesOf, weekdaysOf } from './signals.ts';
import { contentKey, splitWords } from './tokenize.ts';

/**
 * What the story matcher keeps of an item: its content words and the signals that set
 * look-alikes apart. Small (a few hundred bytes), so a story row can carry those of its first
 * members and any poller can compare against them after one read.
 */
export const storyFingerprintSchema = z.object({
  /** Comparison keys (stems, `#n` numbers) of title and summary, unique, title first. */
  tokens: z.array(z.string()),
  /** Keys of the title alone. */
  title: z.array(z.string()),
  /** Weekdays the event is placed on (0 = Sunday). */
  weekdays: z.array(z.number().int().min(0).max(6)),
  /** Months named (0 = January). */
  months: z.array(z.number().int().min(0).max(11)),
  /** Which one of a series: `time:5`, `quarter:3`. */
  ordinals: z.array(z.string()),
  /** Counted things: `vote:2`, `peopl:37`. */
  counts: z.array(z.string()),
  /** 'talks', 'tentative', 'decided', 'final', 'repeat', 'halted', 'resumed', 'endorsed': how far along (see `stagesOf`). */
  stages: z.array(z.string()),
  /** Sizes of changes in percent: "by 40 percent", "by a third" (see `changeSizesOf`). */
  changeSizes: z.array(z.number()).default([]),
  /** Qualified kinds: `rang:medium` (see `qualifiersOf`). Absent in rows written before it existed. */
  qualifiers: z.array(z.string()).default([]),
  /** When it happened, as best known: publication time, else when first seen (epoch seconds). */
  at: z.number().int(),
});
export type StoryFingerprint = z.infer<typeof storyFingerprintSchema>;

const COMPOUND_WORD = /[\p{L}\d]+(?:-[\p{L}\d]+)+/gu;

/** Content keys kept per item: a long summary adds little after its first sentences. */
export const MAX_FINGERPRINT_TOKENS = 80;

export interface FingerprintInput {
  title: string;
  summary?: string | null;
  /** ISO date of publication, when the feed gave one. */
  published?: string | null;
}

/**
 * The fingerprint of an item. `seenAt` stands in for the publication time when the feed gave
 * none (or an unreadable one).
 */
export function fingerprintItem(item: FingerprintInput, seenAt: Date): StoryFingerprint {
  const { title, summary } = normalizeStoryText(item.title, item.summary ?? '');
  const publishedMs = item.published ? Date.parse(item.published) : Number.NaN;
  const published = Number.isFinite(publishedMs) ? new Date(publishedMs) : undefined;

  const titleWords = splitWords(title);
  const summaryWords = splitWords(summary);
  const titleKeys = unique(titleWords.map(contentKey));
  const tokens = unique([...titleKeys, ...summaryWords.map(contentKey)]).slice(0, MAX_FINGERPRINT_TOKENS);
  const allWords = [...titleWords, ...summaryWords];
  const text = `${title}. ${summary}`;

  return {
    tokens,
    title: titleKeys,
    weekdays: weekdaysOf(allWords, published),
    months: monthsOf(allWords),
    ordinals: ordinalsOf(text),
    counts: countsOf(text),
    // Hyphenated compounds are not read for stages: "US-backed" and "break-up" name no step.
    stages: stagesOf(splitWords(`${title}. ${leadSentence(summary)}`.replace(COMPOUND_WORD, ' '))),
    qualifiers: qualifiersOf(text),
    changeSizes: changeSizesOf(text),
    at: Math.floor((published ?? seenAt).getTime() / 1000),
  };
}

function unique(keys: (string | undefined)[]): string[] {
  return [...new Set(keys.filter((key): key is string => key !== undefined))];
}
