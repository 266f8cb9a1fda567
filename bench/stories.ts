/**
 * Story clustering quality: pairwise precision and recall of `news-alerts stories` (the
 * pipeline's `assignStory` over the in-memory store) on the development corpora
 * stories-realistic-dev.jsonl (paraphrased reporting) and stories-dev.jsonl (AG News, read from
 * the corpus folder: its licence forbids copying it; see corpus.ts) and on the
 * project's own labelled items, next to the title-word Jaccard ≥ 0.55 baseline and a sweep of
 * the paraphrase threshold (how the default was chosen).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { storyInputSchema } from '../cli/story-input.ts';
import { corpusFile } from './corpus.ts';
import {
  clusterStream,
  defaultStorySettings,
  normalizeStoryText,
  pairwiseScores,
  splitWords,
  STOPWORDS,
  type PairwiseScores,
  type StoryInput,
} from '../shared/stories/index.ts';

const ownItems = fileURLToPath(new URL('../test/fixtures/stories/labelled-items.jsonl', import.meta.url));

type Labelled = StoryInput & { label: string };

export interface StoriesBenchSet {
  source: string;
  items: number;
  stories: number;
  clustering: PairwiseScores;
  baseline: PairwiseScores;
  /** The sweep of the dated (paraphrase) threshold: precision and recall at each. */
  sweep: { threshold: number; precision: number; recall: number; falsePositives: number }[];
}

export interface StoriesBenchResult {
  name: 'stories';
  threshold: number;
  datedThreshold: number;
  sets: StoriesBenchSet[];
}

function readLabelled(file: string): Labelled[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as Record<string, unknown>;
      return { ...storyInputSchema.parse(raw), label: String(raw.story) };
    });
}

async function cluster(items: Labelled[], datedThreshold: number): Promise<PairwiseScores> {
  const predicted = new Map<string, string>();
  const settings = { ...defaultStorySettings, datedThreshold };
  // No fixed clock: the command's replay clock (an undated item is seen with the dated ones before it).
  for await (const c of clusterStream(items, { settings })) predicted.set(c.id, c.story);
  return pairwiseScores(items.map((item) => ({ predicted: predicted.get(item.id)!, label: item.label })));
}

/** The issue's baseline: single-link over title-word Jaccard ≥ 0.55, in arrival order. */
function baseline(items: Labelled[]): PairwiseScores {
  const words = items.map((item) => new Set(splitWords(normalizeStoryText(item.title, '').title).filter((w) => !STOPWORDS.has(w))));
  const story: number[] = [];
  items.forEach((_, i) => {
    story[i] = i;
    for (let j = 0; j < i; j++) {
      const a = words[i]!;
      const b = words[j]!;
      const shared = [...a].filter((w) => b.has(w)).length;
      const jaccard = shared / (a.size + b.size - shared || 1);
      if (jaccard >= 0.55) {
        story[i] = story[j]!;
        break;
      }
    }
  });
  return pairwiseScores(items.map((item, i) => ({ predicted: String(story[i]), label: item.label })));
}

async function benchSet(source: string, items: Labelled[]): Promise<StoriesBenchSet> {
  const sweep = [];
  for (const threshold of [0.15, 0.2, 0.25, 0.3, 0.35, 0.4]) {
    const s = await cluster(items, threshold);
    sweep.push({ threshold, precision: round(s.precision), recall: round(s.recall), falsePositives: s.falsePositives });
  }
  return {
    source,
    items: items.length,
    stories: new Set(items.map((i) => i.label)).size,
    clustering: roundScores(await cluster(items, defaultStorySettings.datedThreshold)),
    baseline: roundScores(baseline(items)),
    sweep,
  };
}

export async function benchStories(): Promise<StoriesBenchResult> {
  const sets: StoriesBenchSet[] = [];
  const realisticCorpus = corpusFile('stories-realistic-dev.jsonl');
  if (realisticCorpus) sets.push(await benchSet('stories-realistic-dev.jsonl', readLabelled(realisticCorpus)));
  const devCorpus = corpusFile('stories-dev.jsonl');
  if (devCorpus) sets.push(await benchSet('stories-dev.jsonl', readLabelled(devCorpus)));
  const own = readLabelled(ownItems);
  sets.push(await benchSet('test/fixtures/stories/labelled-items.jsonl', own));
  sets.push(
    await benchSet(
      'test/fixtures/stories/labelled-items.jsonl, dates removed',
      own.map((item) => ({ ...item, published: null })),
    ),
  );
  return { name: 'stories', threshold: defaultStorySettings.threshold, datedThreshold: defaultStorySettings.datedThreshold, sets };
}

export function formatStoriesBench(result: StoriesBenchResult): string[] {
  const lines = [
    `  thresholds: copy ${result.threshold} (pairs with an undated item), paraphrase ${result.datedThreshold} (dated pairs in the window), ${defaultStorySettings.undatedThreshold} (one item undated)`,
  ];
  for (const set of result.sets) {
    const c = set.clustering;
    const b = set.baseline;
    lines.push(`  ${set.source}: ${set.items} items, ${set.stories} stories`);
    lines.push(
      `    stories   precision ${c.precision.toFixed(3)}  recall ${c.recall.toFixed(3)}  (TP ${c.truePositives}, FP ${c.falsePositives}, FN ${c.falseNegatives})`,
    );
    lines.push(`    baseline  precision ${b.precision.toFixed(3)}  recall ${b.recall.toFixed(3)}  (title-word Jaccard ≥ 0.55)`);
    lines.push(
      `    sweep of the paraphrase threshold  ${set.sweep.map((s) => `${s.threshold}: ${s.precision.toFixed(3)}/${s.recall.toFixed(3)}`).join('  ')}`,
    );
  }
  return lines;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function roundScores(s: PairwiseScores): PairwiseScores {
  return { ...s, precision: round(s.precision), recall: round(s.recall), f1: round(s.f1) };
}
