import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusFile } from './corpus.ts';
import { builtinTopics, createTopicEngine, type ClassifiableItem } from '../shared/classify/index.ts';

/** Throughput and per-item latency of one classifier. */
export interface ClassifierFigures {
  /**
   * Items per second of CPU time (this process, all its threads): the work one core does,
   * whatever else runs on the machine. The median of `samples` timed passes over the items.
   */
  itemsPerSecond: number;
  /** Items per second of wall-clock time, median pass (lower when other processes take the CPU). */
  wallItemsPerSecond: number;
  /** Per-item wall-clock latency in µs, from a pass that times each call. */
  p50Micros: number;
  p99Micros: number;
  /** Items classified in the timed passes. */
  items: number;
  samples: number;
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
  /** engine items/s ÷ baseline items/s (CPU time). */
  speedup: number;
  node: string;
}

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'classify', 'labelled.jsonl');
const SUMMARY_CHARS = 400;

/**
 * Loads items shaped like feed items: a title and a summary of about 400 characters (a summary
 * shorter than that is followed by the next item's, cut at a word boundary). Reads the
 * development set from the corpus folder when it is there (see `corpus.ts`), otherwise the
 * repository's own labelled fixtures.
 */
export function loadBenchItems(): { source: string; items: ClassifiableItem[] } {
  const source = corpusFile('news-dev.jsonl') ?? FIXTURES;
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

/** CPU time of this process so far, in µs (user + system, all threads). */
function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Times `samples` passes over the items, each with CPU time and wall-clock time, and reports
 * the median pass of each: on a machine shared with other work the CPU figure stays the work
 * of one core, while the wall-clock figure shows what the other work took away. Latency
 * percentiles come from further passes that time each call (a timer per call costs a visible
 * share of a 15 µs call, so they are kept out of the throughput passes).
 */
function measure(run: (item: ClassifiableItem) => unknown, items: ClassifiableItem[], samples: number, warmUp: number): ClassifierFigures {
  // Warm-up so the JIT has compiled the hot paths before timing.
  for (let pass = 0; pass < warmUp; pass += 1) for (const item of items) run(item);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let pass = 0; pass < samples; pass += 1) {
    const cpuStart = cpuMicros();
    const wallStart = process.hrtime.bigint();
    for (const item of items) run(item);
    wall.push(Number(process.hrtime.bigint() - wallStart) / 1000);
    cpu.push(cpuMicros() - cpuStart);
  }
  const latencyPasses = Math.max(1, Math.min(samples, 10));
  const latencies = new Float64Array(items.length * latencyPasses);
  let n = 0;
  for (let pass = 0; pass < latencyPasses; pass += 1) {
    for (const item of items) {
      const t0 = process.hrtime.bigint();
      run(item);
      latencies[n] = Number(process.hrtime.bigint() - t0) / 1000;
      n += 1;
    }
  }
  latencies.sort();
  const at = (q: number) => latencies[Math.min(n - 1, Math.floor(q * n))] as number;
  return {
    itemsPerSecond: Math.round((items.length * 1e6) / Math.max(1, median(cpu))),
    wallItemsPerSecond: Math.round((items.length * 1e6) / Math.max(1, median(wall))),
    p50Micros: round2(at(0.5)),
    p99Micros: round2(at(0.99)),
    items: items.length * samples,
    samples,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Measures the built-in topic engine on one core (this thread) against the naive baseline in the
 * same run: items per second and per-item µs at p50 and p99. `samples` timed passes over the
 * item set for the engine (default 30); the baseline, far slower, runs 3.
 */
export function benchClassify(options: { samples?: number } = {}): ClassifyBenchResult {
  const { source, items } = loadBenchItems();
  const compileStart = process.hrtime.bigint();
  const engine = createTopicEngine(builtinTopics);
  const compileMillis = Number(process.hrtime.bigint() - compileStart) / 1e6;
  const phrases = engine.phrases();
  const engineFigures = measure((item) => engine.classify(item), items, options.samples ?? 30, 20);
  const baselineFigures = measure(naiveMatcher(phrases), items, 3, 1);
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
    node: process.version,
  };
}

/** The figures as a few lines of text. */
export function formatClassifyBench(result: ClassifyBenchResult): string {
  const row = (name: string, f: ClassifierFigures) =>
    `${name.padEnd(27)} ${String(f.itemsPerSecond).padStart(7)} items/s (wall ${String(f.wallItemsPerSecond).padStart(7)})   p50 ${f.p50Micros.toFixed(2).padStart(8)} µs   p99 ${f.p99Micros.toFixed(2).padStart(8)} µs   (${f.items} items)`;
  return [
    `  ${result.distinctItems} items from ${result.source}, mean ${result.meanChars} chars (title + summary); ${result.phrases} phrases; compile ${result.compileMillis} ms; node ${result.node}`,
    row('  engine (trie, one pass)', result.engine),
    row('  baseline (regex per phrase)', result.baseline),
    `  speedup ${result.speedup}× (items/s of CPU time, median of timed passes)`,
  ].join('\n');
}
