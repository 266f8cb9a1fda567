import type { StoryFingerprint } from '../store/records.ts';
import { TERM_WEIGHTS, termWeight } from './term-weights.ts';

const NO_NAMES: ReadonlySet<string> = new Set();
import { BODY_ANCHORS, PLACE_STATES } from './vocabulary.ts';
import { mainFrame, WEAK_FRAMES } from './event-frames.ts';
import { TOLLS } from './signals.ts';

/** Why two items cannot be one story whatever their words: different time, count or stage. */
export type StoryConflict = 'time' | 'place' | 'weekday' | 'month' | 'ordinal' | 'count' | 'stage' | 'qualifier';

export interface StoryComparison {
  /** Paraphrase similarity in [0, 1.x] (see `scoreParaphrase`); 0 when nothing specific is shared. */
  score: number;
  /** Copy similarity in [0, 1] (see `textSimilarity`): what an undated pair may also join on. */
  copy: number;
  /** Both carry a publication date (within the window unless `conflict` says 'time' or `followUp` is set). */
  dated: boolean;
  /** Further apart than the window (an undated item: as seen), within the follow-up window, and the later reports on the earlier (see `isFollowUp`). */
  followUp?: boolean;
  /** Set when the two cannot be one story; `score` is then informative only. */
  conflict?: StoryConflict;
}

/**
 * How alike two items are, and whether anything rules out their being one story.
 *
 * Two scores: the paraphrase score (weighted terms, see `scoreParaphrase`) and, for a pair where
 * one lacks a date, the copy score (plain overlap, see `textSimilarity`): an undated item is
 * taken to be within the window, and joins on either. Conflicts are the other
 * signals: further apart in time than the window, different weekdays or months, a different
 * member of a series ("fourth time" vs "fifth time"), different counts of the same thing (two
 * votes vs three, unless within a quarter of each other; a toll may rise), talks
 * on one side and a decision on the other (or talks broken off vs resumed), or the same kind
 * qualified differently ("short-range" vs "medium-range" missile). With `scoreConflicts: false`, a
 * conflicting pair's scores are not computed (both 0).
 */
export function compareFingerprints(
  a: StoryFingerprint,
  b: StoryFingerprint,
  windowSeconds: number,
  followUpSeconds = windowSeconds,
  options: { scoreConflicts?: boolean } = {},
): StoryComparison {
  const dated = a.dated && b.dated;
  const pa = prepared(a);
  const pb = prepared(b);
  const gap = Math.abs(a.at - b.at);
  const followUp = gap > windowSeconds && gap <= followUpSeconds && isFollowUp(a.at <= b.at ? [a, b] : [b, a]);
  // An undated item is taken to be within the window of when it was seen, not days from it,
  // unless it reads as a follow-up.
  const conflict =
    !dated && gap > windowSeconds && !followUp ? 'time' : conflictOf(a, b, pa, pb, followUp ? followUpSeconds : windowSeconds);
  // A caller that drops a conflicting pair whatever its scores (the matcher) is spared them.
  if (conflict && options.scoreConflicts === false) return comparison(0, 0, dated, followUp, conflict);
  // Two undated items carry no time at all, only text: copies alone join them.
  const score = a.dated || b.dated ? scoreParaphrase(a, b, pa, pb) : 0;
  const copy = dated ? 0 : textSimilarity(a, b);
  return comparison(score, copy, dated, followUp, conflict);
}

/** A comparison with `followUp` and `conflict` only when set (built without spreading, once per pair compared). */
function comparison(score: number, copy: number, dated: boolean, followUp: boolean, conflict: StoryConflict | undefined): StoryComparison {
  const result: StoryComparison = { score, copy, dated };
  if (followUp) result.followUp = true;
  if (conflict) result.conflict = conflict;
  return result;
}

/**
 * A report days after an event that is about that event, not another of its kind: one kind of
 * incident (a quake, a crash, an attack has an aftermath; talks, votes and summits have a next
 * round, which is another story), no cue of a new occurrence ("another", "fresh", "third quake"), and either a person or
 * named thing in both headlines (not a place: the Herat quakes of one week share the province)
 * or, in one place, a follow-up headline ("toll tops 36,000", "confirms death").
 */
function isFollowUp([earlier, later]: [StoryFingerprint, StoryFingerprint]): boolean {
  if (later.cues.includes('new') || incidentKind(earlier.frames) === undefined || !sharesFrame(earlier, later)) return false;
  return sharesPerson(earlier, later) || (later.cues.includes('followup') && sharesFrameAndPlace(earlier, later));
}

/** A name both headlines give that is no state, place or body: a person, a group, a ship. */
function sharesPerson(a: StoryFingerprint, b: StoryFingerprint): boolean {
  const namesB = namesOf(prepared(b));
  const titleB = new Set(b.titleTerms);
  return a.names.some((key) => !key.startsWith('@') && namesB.has(key) && a.titleTerms.includes(key) && titleB.has(key));
}

/** What a shared event frame in a shared place adds to the paraphrase score. */
export const FRAME_BONUS = 0.15;

/**
 * The paraphrase score: the weighted cosine (see `cosine`) when the two share something only one
 * event has (a person, a town, an exact figure) or report the same kind of event (see
 * `event-frames.ts`) in the same place; plus `FRAME_BONUS` for the latter. 0 otherwise: sharing a
 * country and a topic is not one event.
 */
function scoreParaphrase(a: StoryFingerprint, b: StoryFingerprint, pa: Prepared, pb: Prepared): number {
  if (titlePlacesDiffer(pa, pb)) return 0;
  const frame = sharesFrameAndPlace(a, b);
  // Both reads below compare b's terms, figures aligned, with a's: aligned once for both.
  const renames = figureRenames(pa, pb);
  // A shared name or figure joins reports of one kind of event, not a shooting and the missile attack it preceded.
  const specific = sharesSpecific(pa, pb, renames) && (frame || !framesClash(a, b));
  // One undated item is held to a higher bar instead (`undatedThreshold`), not to both: outlets
  // that give no date tell the event in their own words like the others.
  if (!frame && !specific) return 0;
  return cosine(pa, pb, renames) + (frame ? FRAME_BONUS : 0);
}

/**
 * One kind of event (a frame both name; the broad "death" only when neither names another) in
 * one place: a state, place or body one headline names and the other item names too.
 */
function sharesFrameAndPlace(a: StoryFingerprint, b: StoryFingerprint): boolean {
  if (!sharesFrame(a, b)) return false;
  const mainA = mainFrame(a.frames)!;
  const mainB = mainFrame(b.frames)!;
  // Talks, sanctions, votes and the like recur between the same states week after week: a shared
  // state places two reports at one event only when both headlines are about that kind of event
  // ("ECB cuts rates" twice in a day); when one only mentions it in passing (a council session
  // requested over stalled talks), only a shared town or region does (Istanbul, not Russia).
  const recurring = PROCESS_FRAMES.has(mainA) || PROCESS_FRAMES.has(mainB);
  const headlinesName = a.titleFrames.includes(mainA) && b.titleFrames.includes(mainB);
  const placesOnly = recurring && !headlinesName;
  return namesPlaceOf(a.titleAnchors, b.anchors, placesOnly) || namesPlaceOf(b.titleAnchors, a.anchors, placesOnly);
}

/** Whether `anchors` holds one of `titleAnchors` (only a town or region when `placesOnly`): loops, as every pair compared asks. */
function namesPlaceOf(titleAnchors: string[], anchors: string[], placesOnly: boolean): boolean {
  for (let i = 0; i < titleAnchors.length; i++) {
    const anchor = titleAnchors[i]!;
    if ((!placesOnly || PLACE_STATES.has(anchor)) && anchors.includes(anchor)) return true;
  }
  return false;
}

/**
 * One kind of event: each one's main event is among the other's frames ("Gunmen kill eight …
 * before Iran's missile attack" is a shooting, not the missile attack it mentions); an item
 * naming only a broad frame ("Al Haouz toll climbs to 632") names no event type of its own.
 */
function sharesFrame(a: StoryFingerprint, b: StoryFingerprint): boolean {
  const mainA = mainFrame(a.frames);
  const mainB = mainFrame(b.frames);
  const fits = (main: string, other: string[]) =>
    other.includes(main) ||
    (other.length > 0 &&
      other.every((frame) => WEAK_FRAMES.has(frame)) &&
      other.some((frame) => a.frames.includes(frame) && b.frames.includes(frame)));
  return mainA !== undefined && mainB !== undefined && fits(mainA, b.frames) && fits(mainB, a.frames);
}

/** Kinds of event that recur between the same parties, unlike a quake or a coup. */
const PROCESS_FRAMES: ReadonlySet<string> = new Set([
  'talks',
  'sanctions',
  'council',
  'election',
  'ceasefire',
  'rates',
  'output',
  'drills',
  'ruling',
  'mandate',
  'accession',
]);

/**
 * Two kinds of incident: each one's main event is an incident (see `INCIDENT_KINDS`) of a kind
 * the other does not name at all. "Gunmen kill eight at Tel Aviv tram station" and
 * "sirens across Israel as Iranian missiles fly" share a city, not an event.
 */
function framesClash(a: StoryFingerprint, b: StoryFingerprint): boolean {
  const kindA = incidentKind(a.frames);
  const kindB = incidentKind(b.frames);
  const names = (frames: string[], kind: string) => frames.some((frame) => INCIDENT_KINDS[frame] === kind);
  return kindA !== undefined && kindB !== undefined && kindA !== kindB && !names(a.frames, kindB) && !names(b.frames, kindA);
}

/**
 * Incidents whose kinds never turn into one another (a quake is not a shooting), in families
 * outlets mix up freely (a storm floods; a missile barrage is an airstrike, its hits blasts).
 * Political frames are left out: a council, a mandate and a junta meet in one report.
 */
const INCIDENT_KINDS: Record<string, string> = {
  quake: 'quake',
  storm: 'weather',
  flood: 'weather',
  crash: 'crash',
  shooting: 'shooting',
  missile: 'strike',
  airstrike: 'strike',
  blast: 'strike',
};

/** Kinds of incident that reach a region, not one spot: a quake, a storm, a flood. */
const AREA_KINDS: ReadonlySet<string> = new Set(['quake', 'weather']);

/** The kind of incident of an item's main frame, if it is one. */
function incidentKind(frames: string[]): string | undefined {
  const main = mainFrame(frames);
  return main === undefined ? undefined : INCIDENT_KINDS[main];
}

/**
 * Both headlines name states or places and none in common: "Council turns down Russian Gaza
 * draft" and "… turns down Brazilian proposal" are two votes even when each summary mentions the
 * other's sponsor. Bodies are left out: a council and its members are named interchangeably.
 */
function titlePlacesDiffer(pa: Prepared, pb: Prepared): boolean {
  const titleA = titleAnchorsOf(pa, false);
  const titleB = titleAnchorsOf(pb, false);
  return titleA.length > 0 && titleB.length > 0 && !titleA.some((anchor) => titleB.includes(anchor));
}

/**
 * Paraphrase similarity, for two items whose dates put them in one window: the cosine of their
 * weighted keys (names and figures above ordinary words above common ones, headline keys
 * boosted), b's figures renamed by `renames`. Two outlets telling one event in their own words
 * still share its names and figures.
 */
function cosine(pa: Prepared, pb: Prepared, renames: ReadonlyMap<string, string> | undefined): number {
  const va = weightedOf(pa);
  const vb = renames === undefined ? weightedOf(pb) : renamed(weightedOf(pb), renames);
  let dot = 0;
  // `forEach`, not `for … of`: no [key, weight] pair allocated per key of every pair compared.
  va.forEach((w, key) => {
    const other = vb.get(key);
    if (other !== undefined) dot += w * other;
  });
  const na = squaredNormOf(pa);
  const nb = renames === undefined ? squaredNormOf(pb) : squaredNorm(vb);
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function squaredNorm(weights: Map<string, number>): number {
  let norm = 0;
  for (const w of weights.values()) norm += w * w;
  return norm;
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
function sharesSpecific(pa: Prepared, pb: Prepared, renames: ReadonlyMap<string, string> | undefined): boolean {
  const termsB = termSetOf(pb);
  // a's terms that are specific names (b must name them too) or exact figures (its figures).
  const namesB = namesOf(pb);
  const names = specificNamesOf(pa);
  for (let i = 0; i < names.length; i++) if (namesB.has(names[i]!) && hasAligned(termsB, renames, names[i]!)) return true;
  const figures = figuresOf(pa);
  for (let i = 0; i < figures.length; i++) if (hasAligned(termsB, renames, figures[i]!.key)) return true;
  return false;
}

/** Whether b's terms, figures aligned by `renames`, hold `key`: a renamed figure stands under its new name only. */
function hasAligned(termsB: ReadonlySet<string>, renames: ReadonlyMap<string, string> | undefined, key: string): boolean {
  if (renames === undefined) return termsB.has(key);
  if (termsB.has(key) && !renames.has(key)) return true;
  for (const target of renames.values()) if (target === key) return true;
  return false;
}

/** Figures this close (relative) are one figure, rounded by two outlets: 1.15m and 1.16m bpd. */
const FIGURE_TOLERANCE = 0.02;

/**
 * The figures of b's terms to rename so that they count as shared with a: each that has no
 * exact match among a's terms but lies within `FIGURE_TOLERANCE` of one there (the first, in a's
 * order), unless b has that one too. Undefined when none: most pairs.
 */
function figureRenames(pa: Prepared, pb: Prepared): ReadonlyMap<string, string> | undefined {
  const figuresA = figuresOf(pa);
  if (figuresA.length === 0) return undefined;
  const figuresB = figuresOf(pb);
  if (figuresB.length === 0) return undefined;
  const termsA = termSetOf(pa);
  const termsB = termSetOf(pb);
  let renames: Map<string, string> | undefined;
  for (const { key, value: x } of figuresB) {
    if (termsA.has(key)) continue;
    const near = figuresA.find((f) => Math.abs(f.value - x) <= FIGURE_TOLERANCE * Math.max(f.value, x));
    if (near && !termsB.has(near.key)) (renames ??= new Map()).set(key, near.key);
  }
  return renames;
}

/** `keys` with the renamed ones under their new names, in the same order (a later one wins a name). */
function renamed<T>(keys: ReadonlyMap<string, T>, renames: ReadonlyMap<string, string>): Map<string, T> {
  const aligned = new Map<string, T>();
  for (const [key, value] of keys) aligned.set(renames.get(key) ?? key, value);
  return aligned;
}

/** Headline words count more than summary words: the headline says what happened. */
const TITLE_BOOST = 1.5;

/**
 * What the comparisons read of one fingerprint, each part built on first use, kept in one object
 * (one lookup per item and comparison), for as long as the fingerprint object lives. An item is
 * compared with the kept members of its candidate stories and a member with the items of each
 * poll that finds its story: the story store hands a member read before back as the same object
 * (see `parseFingerprintRow`), so what one poll built here serves the next. Most pairs are
 * settled by a few of these parts (a time or a place apart), so none is built before it is
 * needed. Fingerprints are never changed once made, and nothing here changes what is kept.
 */
interface Prepared {
  fingerprint: StoryFingerprint;
  names: ReadonlySet<string> | undefined;
  /** Its terms written as names that are no mere state or body (a person, a town, a party; see `sharesSpecific`). */
  specificNames: string[] | undefined;
  termSet: ReadonlySet<string> | undefined;
  /** Its headline's states and places (no bodies), and its headline's bodies, each in headline order. */
  titlePlaces: string[] | undefined;
  titleBodies: string[] | undefined;
  /** The item's keys with their weights (rare above common, see `termWeight`), headline keys boosted. */
  weighted: Map<string, number> | undefined;
  squaredNorm: number | undefined;
  /** The figures among its terms, with their values, in the order of its terms (see `figureRenames`). */
  figures: { key: string; value: number }[] | undefined;
  counts: CountsByKind | undefined;
  ordinals: ReadonlyMap<string, number[]> | undefined;
}

/** An item's counts by kind: floors ("over 100"), the other exact counts by name, and the tolls by name. */
interface CountsByKind {
  floors: string[];
  byName: ReadonlyMap<string, number[]>;
  tollsByName: ReadonlyMap<string, number[]>;
}

const preparedOf = new WeakMap<StoryFingerprint, Prepared>();
const NO_GROUPS: ReadonlyMap<string, number[]> = new Map();
const NO_COUNTS: CountsByKind = { floors: [], byName: NO_GROUPS, tollsByName: NO_GROUPS };

function prepared(fingerprint: StoryFingerprint): Prepared {
  let found = preparedOf.get(fingerprint);
  if (found === undefined) {
    found = {
      fingerprint,
      names: undefined,
      specificNames: undefined,
      termSet: undefined,
      titlePlaces: undefined,
      titleBodies: undefined,
      weighted: undefined,
      squaredNorm: undefined,
      figures: undefined,
      counts: undefined,
      ordinals: undefined,
    };
    preparedOf.set(fingerprint, found);
  }
  return found;
}

function namesOf(p: Prepared): ReadonlySet<string> {
  p.names ??= new Set(p.fingerprint.names);
  return p.names;
}

function specificNamesOf(p: Prepared): string[] {
  p.specificNames ??= p.fingerprint.terms.filter(
    (key) => p.fingerprint.names.includes(key) && (!key.startsWith('@') || PLACE_STATES.has(key.slice(1))),
  );
  return p.specificNames;
}

/** The headline's bodies (`bodies`), or its states and places. */
function titleAnchorsOf(p: Prepared, bodies: boolean): string[] {
  if (bodies) {
    p.titleBodies ??= p.fingerprint.titleAnchors.filter((anchor) => BODY_ANCHORS.has(anchor));
    return p.titleBodies;
  }
  p.titlePlaces ??= p.fingerprint.titleAnchors.filter((anchor) => !BODY_ANCHORS.has(anchor));
  return p.titlePlaces;
}

function termSetOf(p: Prepared): ReadonlySet<string> {
  p.termSet ??= new Set(p.fingerprint.terms);
  return p.termSet;
}

function weightedOf(p: Prepared): Map<string, number> {
  if (p.weighted === undefined) {
    const names = namesOf(p);
    const title = new Set(p.fingerprint.titleTerms);
    const weighted = new Map<string, number>();
    for (const key of p.fingerprint.terms) weighted.set(key, termWeight(key, names) * (title.has(key) ? TITLE_BOOST : 1));
    p.weighted = weighted;
  }
  return p.weighted;
}

function squaredNormOf(p: Prepared): number {
  p.squaredNorm ??= squaredNorm(weightedOf(p));
  return p.squaredNorm;
}

function figuresOf(p: Prepared): { key: string; value: number }[] {
  // Only a `#` key is a number (see `termWeight`): words need no weighing here.
  p.figures ??= [...termSetOf(p)]
    .filter((key) => key.startsWith('#') && termWeight(key, NO_NAMES) === TERM_WEIGHTS.figure)
    .map((key) => ({ key, value: Number(key.slice(1)) }));
  return p.figures;
}

function countsOf(p: Prepared): CountsByKind {
  if (p.counts === undefined) {
    const all = p.fingerprint.counts;
    if (all.length === 0) {
      p.counts = NO_COUNTS;
    } else {
      const [floors, exact] = partition(all, isFloor);
      const [tolls, counts] = partition(exact, isToll);
      p.counts = { floors, byName: group(counts), tollsByName: group(tolls) };
    }
  }
  return p.counts;
}

function ordinalsOf(p: Prepared): ReadonlyMap<string, number[]> {
  p.ordinals ??= p.fingerprint.ordinals.length === 0 ? NO_GROUPS : group(p.fingerprint.ordinals);
  return p.ordinals;
}

function covered(keys: string[], by: Set<string>): number {
  if (keys.length === 0) return 0;
  return keys.reduce((n, key) => n + (by.has(key) ? 1 : 0), 0) / keys.length;
}

function conflictOf(
  a: StoryFingerprint,
  b: StoryFingerprint,
  pa: Prepared,
  pb: Prepared,
  windowSeconds: number,
): StoryConflict | undefined {
  // An undated item's time is when it was seen: a guess, which never rules a match out.
  if (a.dated && b.dated && Math.abs(a.at - b.at) > windowSeconds) return 'time';
  if (anchorsDiffer(pa, pb, false) || anchorsDiffer(pa, pb, true) || eachHeadlineNamesItsOwnPlace(a, b)) return 'place';
  // Two dated items already place their event in time, and paraphrases mention other days and
  // months in passing ("after Saturday's quake"): weekdays rule out only pairs with an undated
  // item, months only two undated items (beside a dated one, an undated item's "April's attack"
  // is a mention, not its date).
  const dated = a.dated && b.dated;
  if (!dated && disjoint(a.weekdays, b.weekdays)) return 'weekday';
  if (!a.dated && !b.dated && disjoint(a.months, b.months)) return 'month';
  if (seriesDiffer(ordinalsOf(pa), ordinalsOf(pb), never)) return 'ordinal';
  const countsA = countsOf(pa);
  const countsB = countsOf(pb);
  if (seriesDiffer(countsA.byName, countsB.byName, withinAQuarter)) return 'count';
  if (belowFloor(countsA.floors, countsB.byName) || belowFloor(countsB.floors, countsA.byName)) return 'count';
  // Reports of one day (the same time) come in any order: no earlier one to fall below.
  if (
    a.at !== b.at &&
    (a.at < b.at ? tollsFall(countsA.tollsByName, countsB.tollsByName) : tollsFall(countsB.tollsByName, countsA.tollsByName))
  ) {
    return 'count';
  }
  // Without any date there is no earlier report to revise: a toll is a count like any other.
  if (!a.dated && !b.dated && seriesDiffer(countsA.tollsByName, countsB.tollsByName, withinAQuarter)) {
    return 'count';
  }
  // Two dated reports of one kind of event in one place, in the window, word its stage their own
  // way ("Council turns down Russian draft" / "text wins only five votes"): stages split the rest.
  if (!((a.dated || b.dated) && sharesFrameAndPlace(a, b)) && stagesDiffer(a.stages, b.stages)) return 'stage';
  if (qualifiersDiffer(a.qualifiers, b.qualifiers)) return 'qualifier';
  if (disjointWithin(a.changeSizes, b.changeSizes, 0.1)) return 'count';
  return undefined;
}

/**
 * Different states, places or bodies in the headlines: each headline names one (of the kind),
 * and none that either headline names appears anywhere in the other item. "Council holds urgent
 * debate on Sri Lanka" and "… on Peru" are two debates however alike the rest.
 */
/**
 * Each headline names a state or place the other item never mentions: "Russia and Ukraine open
 * talks in Geneva" and "Russia and China open talks in Doha" share Russia and are two events. A
 * rewrite may add a place to one headline; only both sides adding their own tells two events.
 */
function eachHeadlineNamesItsOwnPlace(a: StoryFingerprint, b: StoryFingerprint): boolean {
  // A quake, a storm or a flood reaches several towns of one state, and outlets name different
  // ones ("quake hits Noto" / "quake in Ishikawa"): beside an item naming its state, a town is
  // not a place of its own. A shooting or a blast happens in one spot, talks and votes in one
  // town: two towns there stay two events.
  // Functions of the module, not closures: every pair compared asks (most have no place in a headline).
  if (a.titleAnchors.length === 0 || b.titleAnchors.length === 0) return false;
  const spread = (isAreal(a) || isAreal(b)) && !isRecurring(a) && !isRecurring(b);
  return namesOwnPlace(a, b, spread) && namesOwnPlace(b, a, spread);
}

/** Whether an item names a kind of event that recurs between the same parties (see `PROCESS_FRAMES`). */
function isRecurring(x: StoryFingerprint): boolean {
  return x.frames.some((frame) => PROCESS_FRAMES.has(frame));
}

/** Whether an item's main event reaches a region (see `AREA_KINDS`). */
function isAreal(x: StoryFingerprint): boolean {
  return AREA_KINDS.has(incidentKind(x.frames) ?? '');
}

/** Whether x's headline names a state or place y never mentions (a town of a state y names does not count when `spread`). */
function namesOwnPlace(x: StoryFingerprint, y: StoryFingerprint, spread: boolean): boolean {
  for (let i = 0; i < x.titleAnchors.length; i++) {
    const anchor = x.titleAnchors[i]!;
    if (BODY_ANCHORS.has(anchor) || y.anchors.includes(anchor)) continue;
    if (spread && PLACE_STATES.has(anchor) && y.anchors.includes(PLACE_STATES.get(anchor)!)) continue;
    return true;
  }
  return false;
}

/** Two counts of one thing that agree: within a quarter of each other (or equal). */
function withinAQuarter(x: number, y: number): boolean {
  return Math.abs(x - y) / Math.max(x, y) <= 0.25;
}

function never(): boolean {
  return false;
}

function anchorsDiffer(pa: Prepared, pb: Prepared, bodies: boolean): boolean {
  const titleA = titleAnchorsOf(pa, bodies);
  const titleB = titleAnchorsOf(pb, bodies);
  if (titleA.length === 0 || titleB.length === 0) return false;
  const a = pa.fingerprint;
  const b = pb.fingerprint;
  return !titleA.some((anchor) => b.anchors.includes(anchor)) && !titleB.some((anchor) => a.anchors.includes(anchor));
}

function isFloor(entry: string): boolean {
  return entry.includes(':>');
}

/**
 * A floor on one side ("over 100 missiles") and only counts of the same thing well below it
 * (beyond 25 %) on the other ("50 missiles"): two events. Any count above a floor agrees with it.
 */
function belowFloor(floors: string[], byName: ReadonlyMap<string, number[]>): boolean {
  return floors.some((entry) => {
    const at = entry.lastIndexOf(':>');
    const floor = Number(entry.slice(at + 2));
    const values = byName.get(entry.slice(0, at));
    return values?.every((value) => value < 0.75 * floor) ?? false;
  });
}

function isToll(entry: string): boolean {
  return TOLLS.has(entry.slice(0, entry.lastIndexOf(':')));
}

function partition(entries: string[], test: (entry: string) => boolean): [string[], string[]] {
  return [entries.filter(test), entries.filter((entry) => !test(entry))];
}

/**
 * A toll is revised upwards as an event unfolds (9 dead, then 12; 300, then 4,400): two reports
 * of one event differ in it freely, except that the later one does not report far fewer (a
 * quarter less) of the same toll: 2,750 injured on Tuesday and 300 on Wednesday are two blasts.
 * Reports of the same time come in any order: the caller asks only of two at different times.
 */
function tollsFall(earlier: ReadonlyMap<string, number[]>, later: ReadonlyMap<string, number[]>): boolean {
  for (const [name, values] of earlier) {
    const others = later.get(name);
    if (others && Math.min(...values) > 1.25 * Math.max(...others)) return true;
  }
  return false;
}

/** Both name some, and none in common. */
function disjoint<T>(a: T[], b: T[]): boolean {
  return a.length > 0 && b.length > 0 && !a.some((x) => b.includes(x));
}

/**
 * `name:value` lists: true when some name appears on both sides and no value of it on one side
 * is close to a value on the other.
 */
function seriesDiffer(
  a: ReadonlyMap<string, number[]>,
  valuesB: ReadonlyMap<string, number[]>,
  close: (x: number, y: number) => boolean,
): boolean {
  // Most items name no series at all: nothing to iterate.
  if (a.size === 0 || valuesB.size === 0) return false;
  for (const [name, values] of a) {
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
  // Most items qualify nothing: no maps to build for them.
  if (a.length === 0 || b.length === 0) return false;
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

/** `name:value` entries as values by name. */
function group(entries: string[]): ReadonlyMap<string, number[]> {
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
