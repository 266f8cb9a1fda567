import type { StoryFingerprint } from '../store/records.ts';
import { TERM_WEIGHTS, termWeight } from './term-weights.ts';

const NO_NAMES: ReadonlySet<string> = new Set();
import { BODY_ANCHORS } from './vocabulary.ts';

/** Why two items cannot be one story whatever their words: different time, count or stage. */
export type StoryConflict = 'time' | 'place' | 'weekday' | 'month' | 'ordinal' | 'count' | 'stage' | 'qualifier';

export interface StoryComparison {
  /** Text similarity in [0, 1] (see `compareFingerprints`). */
  score: number;
  /** Both carry a publication date (within the window unless `conflict` says 'time'). */
  dated: boolean;
  /** Set when the two cannot be one story; `score` is then informative only. */
  conflict?: StoryConflict;
}

/**
 * How alike two items are, and whether anything rules out their being one story.
 *
 * The score is the mean of three overlaps of their content keys: Jaccard (both say the same
 * things), containment (the shorter is a trimmed copy of the longer) and headline coverage (each
 * headline's words appear in the other item, the smaller of the two). Conflicts are the other
 * signals: further apart in time than the window, different weekdays or months, a different
 * member of a series ("fourth time" vs "fifth time"), different counts of the same thing (two
 * votes vs three, unless within a quarter of each other, as rising death tolls are), talks
 * on one side and a decision on the other (or talks broken off vs resumed), or the same kind
 * qualified differently ("short-range" vs "medium-range" missile).
 */
export function compareFingerprints(a: StoryFingerprint, b: StoryFingerprint, windowSeconds: number): StoryComparison {
  const dated = a.dated && b.dated;
  const score = dated ? (sharesSpecific(a, b) ? weightedSimilarity(a, b) : 0) : textSimilarity(a, b);
  const conflict = conflictBetween(a, b, windowSeconds);
  return { score, dated, ...(conflict ? { conflict } : {}) };
}

/**
 * Paraphrase similarity, for two items whose dates put them in one window: the cosine of their
 * weighted keys (names and figures above ordinary words above common ones, headline keys
 * boosted). Two outlets telling one event in their own words still share its names and figures.
 */
export function weightedSimilarity(a: StoryFingerprint, b: StoryFingerprint): number {
  const va = weightedTerms(a);
  const vb = weightedTerms(b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [key, w] of va) {
    na += w * w;
    const other = vb.get(key);
    if (other !== undefined) dot += w * other;
  }
  for (const w of vb.values()) nb += w * w;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Copy similarity, for items without dates to place them: the plain overlap of their keys
 * (Jaccard, containment, headline coverage, averaged). Without a date, sharing names is not
 * enough: a reaction or a follow-up names the same people. Only near-copies score high.
 */
export function textSimilarity(a: StoryFingerprint, b: StoryFingerprint): number {
  const tokensB = new Set(b.tokens);
  const shared = a.tokens.reduce((n, key) => n + (tokensB.has(key) ? 1 : 0), 0);
  const union = a.tokens.length + b.tokens.length - shared;
  const jaccard = union === 0 ? 0 : shared / union;
  const smaller = Math.min(a.tokens.length, b.tokens.length);
  const containment = smaller === 0 ? 0 : shared / smaller;
  const coverage = Math.min(covered(a.title, tokensB), covered(b.title, new Set(a.tokens)));
  return (jaccard + containment + coverage) / 3;
}

/**
 * Whether two items share something only one event has: a name that is not just a state or
 * body (a person, a town, a party), or an exact figure. Sharing a country and a topic is not
 * one event: "Nigerian scientist wins prize for drought-resistant rice" and "Drought cuts rice
 * harvest in Nigeria" are two.
 */
function sharesSpecific(a: StoryFingerprint, b: StoryFingerprint): boolean {
  const termsB = new Set(b.terms);
  const namesB = new Set(b.names);
  return a.terms.some(
    (key) =>
      termsB.has(key) &&
      ((a.names.includes(key) && namesB.has(key) && !key.startsWith('@')) || termWeight(key, NO_NAMES) === TERM_WEIGHTS.figure),
  );
}

/** Headline words count more than summary words: the headline says what happened. */
const TITLE_BOOST = 1.5;

/** The item's keys with their weights (rare above common, see `termWeight`), headline keys boosted. */
function weightedTerms(fingerprint: StoryFingerprint): Map<string, number> {
  const names = new Set(fingerprint.names);
  const title = new Set(fingerprint.titleTerms);
  const weights = new Map<string, number>();
  for (const key of fingerprint.terms) weights.set(key, termWeight(key, names) * (title.has(key) ? TITLE_BOOST : 1));
  return weights;
}

function covered(keys: string[], by: Set<string>): number {
  if (keys.length === 0) return 0;
  return keys.reduce((n, key) => n + (by.has(key) ? 1 : 0), 0) / keys.length;
}

export function conflictBetween(a: StoryFingerprint, b: StoryFingerprint, windowSeconds: number): StoryConflict | undefined {
  // An undated item's time is when it was seen: a guess, which never rules a match out.
  if (a.dated && b.dated && Math.abs(a.at - b.at) > windowSeconds) return 'time';
  if (anchorsDiffer(a, b, false) || anchorsDiffer(a, b, true)) return 'place';
  // Two dated items already place their event in time, and paraphrases mention other days and
  // months in passing ("after Saturday's quake"): weekdays and months rule out only undated items.
  const dated = a.dated && b.dated;
  if (!dated && disjoint(a.weekdays, b.weekdays)) return 'weekday';
  if (!dated && disjoint(a.months, b.months)) return 'month';
  if (seriesDiffer(a.ordinals, b.ordinals, () => false)) return 'ordinal';
  if (seriesDiffer(a.counts, b.counts, (x, y) => Math.abs(x - y) / Math.max(x, y) <= 0.25)) return 'count';
  if (stagesDiffer(a.stages, b.stages)) return 'stage';
  if (qualifiersDiffer(a.qualifiers, b.qualifiers)) return 'qualifier';
  if (disjointWithin(a.changeSizes, b.changeSizes, 0.1)) return 'count';
  return undefined;
}

/**
 * Different states, places or bodies in the headlines: each headline names one (of the kind),
 * and none that either headline names appears anywhere in the other item. "Council holds urgent
 * debate on Sri Lanka" and "… on Peru" are two debates however alike the rest.
 */
function anchorsDiffer(a: StoryFingerprint, b: StoryFingerprint, bodies: boolean): boolean {
  const ofKind = (anchors: string[]) => anchors.filter((anchor) => BODY_ANCHORS.has(anchor) === bodies);
  const titleA = ofKind(a.titleAnchors);
  const titleB = ofKind(b.titleAnchors);
  if (titleA.length === 0 || titleB.length === 0) return false;
  return !titleA.some((anchor) => b.anchors.includes(anchor)) && !titleB.some((anchor) => a.anchors.includes(anchor));
}

/** Both name some, and none in common. */
function disjoint<T>(a: T[], b: T[]): boolean {
  return a.length > 0 && b.length > 0 && !a.some((x) => b.includes(x));
}

/**
 * `name:value` lists: true when some name appears on both sides and no value of it on one side
 * is close to a value on the other.
 */
function seriesDiffer(a: string[], b: string[], close: (x: number, y: number) => boolean): boolean {
  const valuesB = group(b);
  for (const [name, values] of group(a)) {
    const others = valuesB.get(name);
    if (!others) continue;
    if (!values.some((x) => others.some((y) => x === y || close(x, y)))) return true;
  }
  return false;
}

/**
 * Both give sizes and none is within `tolerance` (relative) of one on the other side: a change
 * "by 40 percent" is not one "by a third". Tighter than counts: a proportion is restated, not
 * revised during the day as a toll is.
 */
function disjointWithin(a: number[], b: number[], tolerance: number): boolean {
  return a.length > 0 && b.length > 0 && !a.some((x) => b.some((y) => Math.abs(x - y) <= tolerance * Math.max(x, y)));
}

/** `kind:qualifier` lists: some kind qualified on both sides, with no qualifier in common. */
function qualifiersDiffer(a: string[], b: string[]): boolean {
  const byKind = (entries: string[]) => {
    const map = new Map<string, Set<string>>();
    for (const entry of entries) {
      const at = entry.indexOf(':');
      const kind = entry.slice(0, at);
      map.set(kind, (map.get(kind) ?? new Set()).add(entry.slice(at + 1)));
    }
    return map;
  };
  const kindsB = byKind(b);
  for (const [kind, values] of byKind(a)) {
    const others = kindsB.get(kind);
    if (others && ![...values].some((value) => others.has(value))) return true;
  }
  return false;
}

function group(entries: string[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const entry of entries) {
    const at = entry.lastIndexOf(':');
    const name = entry.slice(0, at);
    const value = Number(entry.slice(at + 1));
    map.set(name, [...(map.get(name) ?? []), value]);
  }
  return map;
}

/**
 * Talks only on one side, a decision only on the other ("in talks" vs "signed the deal"), or a
 * tentative agreement on one side and a final one on the other ("agreed in principle" vs
 * "definitive agreement", a tentative contract vs its ratification), support on one side and
 * the decision on the other (a summit "backed" sanctions vs a council "voted" them), a process
 * broken off on one side and resumed on the other, or a repeat ("meets again") on one side only.
 */
function stagesDiffer(a: string[], b: string[]): boolean {
  const only = (s: string[], stage: string, not: string) => s.includes(stage) && !s.includes(not);
  if ((only(a, 'talks', 'decided') && only(b, 'decided', 'talks')) || (only(b, 'talks', 'decided') && only(a, 'decided', 'talks'))) {
    return true;
  }
  if (
    (only(a, 'tentative', 'final') && only(b, 'final', 'tentative')) ||
    (only(b, 'tentative', 'final') && only(a, 'final', 'tentative'))
  ) {
    return true;
  }
  if (
    (only(a, 'endorsed', 'decided') && only(b, 'decided', 'endorsed')) ||
    (only(b, 'endorsed', 'decided') && only(a, 'decided', 'endorsed'))
  ) {
    return true;
  }
  if ((only(a, 'halted', 'resumed') && b.includes('resumed')) || (only(b, 'halted', 'resumed') && a.includes('resumed'))) return true;
  return a.includes('repeat') !== b.includes('repeat');
}
