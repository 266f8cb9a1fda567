import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinTopics, createTopicEngine, type ClassifiableItem } from '../shared/classify/index.ts';

/** Throughput and per-item latency of one classifier. */
export interface ClassifierFigures {
  itemsPerSecond: number;
  p50Micros: number;
  p99Micros: number;
  /** Items classified in the timed run. */
  items: number;
}

/** What `benchClassify` measured. */
export interface ClassifyBenchResult {
  name: 'classify';
  /** Where the items came from. */
  source: string;
  /** Distinct items, and their mean length (title + summary). */
  distinctItems: number;
  meanChars: number;
  /** Phrases the built-in topics match on, lexicon classes expanded. */
  phrases: number;
  compileMillis: number;
  engine: ClassifierFigures;
  /** One case-insensitive regular expression per phrase, tested against every item. */
  baseline: ClassifierFigures;
  /** engine items/s ÷ baseline items/s. */
  speedup: number;
}

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const DEV_SET = path.join(repoRoot, '..', 'shared', 'corpus', 'news-dev.jsonl');
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'classify', 'labelled.jsonl');
const SUMMARY_CHARS = 400;

/**
 * Loads items shaped like feed items: a title and a summary of about 400 characters (a summary
 * shorter than that is followed by the next item's, cut at a word boundary). Reads the
 * development set in place when it is there (its licence forbids copying it into the
 * repository), otherwise the repository's own labelled fixtures.
 */
export function loadBenchItems(): { source: string; items: ClassifiableItem[] } {
  const source = existsSync(DEV_SET) ? DEV_SET : FIXTURES;
  const raw = readFileSync(source, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { title: string; summary?: string });
  const items = raw.map((item, i) => {
    let summary = item.summary ?? '';
    for (let next = 1; summary.length < SUMMARY_CHARS && next < raw.length; next += 1) {
      summary += ` ${raw[(i + next) % raw.length]?.summary ?? ''}`;
    }
    const cut = summary.lastIndexOf(' ', SUMMARY_CHARS);
    return { title: item.title, summary: summary.slice(0, cut > 0 ? cut : SUMMARY_CHARS) };
  });
  return { source: path.relative(repoRoot, source), items };
}

/** The naive classifier the engine must beat: one regular expression per phrase. */
function naiveMatcher(phrases: string[]): (item: ClassifiableItem) => number {
  const patterns = phrases.map((phrase) => {
    const body = phrase
      .trim()
      .split(/\s+/)
      .map((word) => {
        const prefix = word.endsWith('*');
        const escaped = (prefix ? word.slice(0, -1) : word).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return prefix ? `${escaped}\\w*` : escaped;
      })
      .join('[\\s-]+');
    return new RegExp(`\\b${body}\\b`, 'i');
  });
  return (item) => {
    const text = `${item.title}\n${item.summary ?? ''}`;
    let found = 0;
    for (const pattern of patterns) if (pattern.test(text)) found += 1;
    return found;
  };
}

/**
 * Throughput from a tight loop with no per-item timer (a timer per call costs a visible share
 * of a 20 µs call), then latency percentiles from a second pass that times each item.
 */
function measure(run: (item: ClassifiableItem) => unknown, items: ClassifiableItem[], rounds: number): ClassifierFigures {
  // Warm-up so the JIT has compiled the hot paths before timing.
  for (let i = 0; i < Math.min(items.length, 200); i += 1) run(items[i] as ClassifiableItem);
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) for (const item of items) run(item);
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const latencyRounds = Math.max(1, Math.min(rounds, 20));
  const samples = new Float64Array(items.length * latencyRounds);
  let n = 0;
  for (let round = 0; round < latencyRounds; round += 1) {
    for (const item of items) {
      const t0 = process.hrtime.bigint();
      run(item);
      samples[n] = Number(process.hrtime.bigint() - t0) / 1000;
      n += 1;
    }
  }
  samples.sort();
  const at = (q: number) => samples[Math.min(n - 1, Math.floor(q * n))] as number;
  const timed = items.length * rounds;
  return { itemsPerSecond: Math.round(timed / elapsedSeconds), p50Micros: round2(at(0.5)), p99Micros: round2(at(0.99)), items: timed };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Measures the built-in topic engine on one core (this thread) against the naive baseline in the
 * same run: items per second and per-item µs at p50 and p99. `rounds` repeats the item set for
 * the engine; the baseline, far slower, runs one round.
 */
export function benchClassify(options: { rounds?: number } = {}): ClassifyBenchResult {
  const { source, items } = loadBenchItems();
  const compileStart = process.hrtime.bigint();
  const engine = createTopicEngine(builtinTopics);
  const compileMillis = Number(process.hrtime.bigint() - compileStart) / 1e6;
  const phrases = engine.phrases();
  const engineFigures = measure((item) => engine.classify(item), items, options.rounds ?? 100);
  const baselineFigures = measure(naiveMatcher(phrases), items, 1);
  return {
    name: 'classify',
    source,
    distinctItems: items.length,
    meanChars: Math.round(items.reduce((n, i) => n + i.title.length + (i.summary?.length ?? 0), 0) / items.length),
    phrases: phrases.length,
    compileMillis: round2(compileMillis),
    engine: engineFigures,
    baseline: baselineFigures,
    speedup: round2(engineFigures.itemsPerSecond / baselineFigures.itemsPerSecond),
  };
}

/** The figures as a few lines of text. */
export function formatClassifyBench(result: ClassifyBenchResult): string {
  const row = (name: string, f: ClassifierFigures) =>
    `${name.padEnd(26)} ${String(f.itemsPerSecond).padStart(9)} items/s   p50 ${f.p50Micros.toFixed(2).padStart(8)} µs   p99 ${f.p99Micros.toFixed(2).padStart(8)} µs   (${f.items} items)`;
  return [
    `classify: ${result.distinctItems} items from ${result.source}, mean ${result.meanChars} chars; ${result.phrases} phrases; compile ${result.compileMillis} ms`,
    row('  engine (trie, one pass)', result.engine),
    row('  baseline (regex/phrase)', result.baseline),
    `  speedup ${result.speedup}×`,
  ].join('\n');
}
