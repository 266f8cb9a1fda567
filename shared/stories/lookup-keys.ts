import type { StoryFingerprint } from '../store/records.ts';
import { termWeight } from './term-weights.ts';

/**
 * Lookup keys: how a poller finds the stories an item may belong to with one batched read.
 *
 * The sketch is the bottom-k of the item's content keys under one hash (MinHash with k
 * single-row bands): two items whose key sets have Jaccard similarity J share a sketch key with
 * probability about 1 − (1 − J)^k — 94 % at J = 0.25 with k = 10. Each key is bucketed by UTC day,
 * so a lookup reads only the days within the story window, and a row is bounded by one day's
 * stories for that word.
 */

const DAY_SECONDS = 24 * 60 * 60;

/** FNV-1a, 32 bits: stable across processes and versions, which is all the sketch needs. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Small numbers ("3 killed", "2 percent") are everywhere: they make poor lookup keys. */
function sketchable(key: string): boolean {
  return !/^#\d(?:\.\d+)?$/.test(key) && !/^#1[0-2]$/.test(key);
}

/**
 * The item's lookup keys: its `size` rarest content keys (names and figures first, headline
 * keys before summary keys, then by hash so the choice is stable). Two reports of one event in
 * different words still name the same people, places and figures, so they meet on those keys.
 */
export function sketchOf(fingerprint: StoryFingerprint, size: number): string[] {
  const names = new Set(fingerprint.names);
  const title = new Set(fingerprint.titleTerms);
  return fingerprint.terms
    .filter(sketchable)
    .map((key) => ({ key, w: termWeight(key, names) * (title.has(key) ? 1.5 : 1), h: hash32(key) }))
    .sort((a, b) => b.w - a.w || a.h - b.h || (a.key < b.key ? -1 : 1))
    .slice(0, size)
    .map((entry) => entry.key);
}

/** Day strings by day number: a lookup names the same few days 80 times, and a poll repeats them. */
const dayNames = new Map<number, string>();

function dayOf(epochSeconds: number): string {
  const day = Math.floor(epochSeconds / DAY_SECONDS);
  let name = dayNames.get(day);
  if (name === undefined) {
    if (dayNames.size >= 1024) dayNames.clear();
    name = new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10);
    dayNames.set(day, name);
  }
  return name;
}

/** The keys an item is indexed under: its sketch in the bucket of its own day. */
export function indexKeys(sketch: string[], at: number): string[] {
  const day = dayOf(at);
  return sketch.map((key) => `${key}@${day}`);
}

/**
 * The keys an item looks up: its sketch in every day bucket within `windowSeconds` of it, and
 * its `far.keys` rarest sketch keys in the further buckets within `far.seconds` (a follow-up
 * days later names the event's rarest terms: its people and places). 5 × 10 + 10 × 3 = 80 keys
 * with the defaults: one BatchGetItem. No bucket after the day of `until` is read (epoch
 * seconds: the poll's time, after which no row is written): 3 × 10 + 5 × 3 = 45 keys for an
 * item of the poll's own day.
 */
export function lookupKeys(
  sketch: string[],
  at: number,
  windowSeconds: number,
  far?: { seconds: number; keys: number },
  until = Number.POSITIVE_INFINITY,
): string[] {
  const near = [Math.floor((at - windowSeconds) / DAY_SECONDS), Math.floor((at + windowSeconds) / DAY_SECONDS)] as const;
  const reach = Math.max(windowSeconds, far?.seconds ?? 0);
  const last = Math.min(Math.floor((at + reach) / DAY_SECONDS), Math.floor(until / DAY_SECONDS));
  const keys: string[] = [];
  for (let day = Math.floor((at - reach) / DAY_SECONDS); day <= last; day++) {
    const inNear = day >= near[0] && day <= near[1];
    const name = dayOf(day * DAY_SECONDS);
    for (const key of inNear ? sketch : sketch.slice(0, far?.keys ?? 0)) keys.push(`${key}@${name}`);
  }
  return keys;
}

/**
 * Epoch seconds at which a key's row may expire: the window after the end of its day, and never
 * before the window after now (an item dated long ago still finds copies arriving with it).
 */
export function keyExpiry(indexKey: string, windowSeconds: number, now: Date): number {
  const day = indexKey.slice(indexKey.lastIndexOf('@') + 1);
  const byDay = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + DAY_SECONDS + windowSeconds;
  return Math.max(byDay, Math.floor(now.getTime() / 1000) + DAY_SECONDS + windowSeconds);
}
