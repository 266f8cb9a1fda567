import type { StoryFingerprint } from '../store/records.ts';
import { framesOf, withBodyDecision } from './event-frames.ts';
import { normalizeStoryText } from './normalize-text.ts';
import { changeSizesOf, countsOf, cuesOf, leadSentence, monthsOf, ordinalsOf, qualifiersOf, stagesOf, weekdaysOf } from './signals.ts';
import { isTitleCase, readTerms } from './terms.ts';
import { contentKey, splitCasedWords, splitWords } from './tokenize.ts';

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

  // Each text is split once; its words feed the terms and the signals alike.
  const titleCased = splitCasedWords(title);
  const summaryCased = splitCasedWords(summary);
  const titleWords = titleCased.map((w) => w.word);
  const summaryWords = summaryCased.map((w) => w.word);
  const titleTerms = readTerms(titleCased, { titleCase: isTitleCase(titleCased) });
  const summaryTerms = readTerms(summaryCased);
  const clause = eventClause(title);
  const clauseWords = clause === title ? titleWords : splitWords(clause);
  const titleKeys = unique(titleWords.map(contentKey));
  const tokens = unique([...titleKeys, ...summaryWords.map(contentKey)]).slice(0, MAX_FINGERPRINT_TOKENS);
  const terms = unique([...titleTerms.keys, ...summaryTerms.keys]).slice(0, MAX_FINGERPRINT_TOKENS);
  const kept = new Set(terms);
  const allWords = [...titleWords, ...summaryWords];
  const text = `${title}. ${summary}`;
  const lead = leadSentence(summary);
  // Headline (its event clause for frames) and lead sentence, hyphenated compounds out for stages:
  // one text most of the time (no context clause, no compound), split once then.
  const framesText = `${clause}. ${lead}`;
  const stagesText = `${title}. ${lead}`.replace(COMPOUND_WORD, ' ');
  const framesWords = splitWords(framesText);

  return {
    tokens,
    title: titleKeys,
    terms,
    titleTerms: titleTerms.keys,
    names: unique([...titleTerms.names, ...summaryTerms.names]).filter((key) => kept.has(key)),
    titleAnchors: titleTerms.anchors,
    anchors: unique([...titleTerms.anchors, ...summaryTerms.anchors]),
    weekdays: weekdaysOf(allWords, published),
    months: monthsOf(allWords),
    ordinals: ordinalsOf(text),
    counts: countsOf(text),
    // Hyphenated compounds are not read for stages: "US-backed" and "break-up" name no step.
    stages: stagesOf(stagesText === framesText ? framesWords : splitWords(stagesText)),
    frames: withBodyDecision(framesOf(framesWords), titleTerms.anchors, titleWords),
    titleFrames: withBodyDecision(framesOf(clauseWords), titleTerms.anchors, titleWords),
    qualifiers: qualifiersOf(text),
    changeSizes: changeSizesOf(text),
    cues: cuesOf(titleWords),
    at: Math.floor((published ?? seenAt).getTime() / 1000),
    dated: published !== undefined,
  };
}

/** Where a headline turns to context: "Gunmen kill eight … hours before Iran's missile attack". */
const CONTEXT = /\s(?:(?:hours|days|weeks|one day|a day)\s+)?(?:before|after|ahead of|following|amid|despite|since)\s[^,;:]*$/i;

/**
 * The part of a headline that says what happened, without the other events it places it by.
 * Only a trailing clause after at least three words: "A week after the quake, deaths top
 * 36,000" opens with its context and still names the quake.
 */
function eventClause(title: string): string {
  const match = CONTEXT.exec(title);
  return match && splitWords(title.slice(0, match.index)).length >= 3 ? title.slice(0, match.index) : title;
}

function unique(keys: (string | undefined)[]): string[] {
  const set = new Set<string>();
  for (let i = 0; i < keys.length; i++) if (keys[i] !== undefined) set.add(keys[i]!);
  return [...set];
}
