/**
 * Topic relevance on every labelled set there is: per-topic precision, recall and F1 of the
 * built-in topics, and how often items labelled with no topic get one (all of them, and the hard
 * negatives that share the topics' vocabulary), beside a keyword baseline — one regular
 * expression per topic, the way keyword alerts work — on the same items.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinTopics, createTopicEngine } from '../shared/classify/index.ts';
import { corpusFile } from './corpus.ts';

interface RelevanceItem {
  id: string;
  title: string;
  summary?: string;
  labels: string[];
  hard_negative?: boolean;
  note?: string;
}

export interface TopicFigures {
  topic: string;
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassifierRelevance {
  topics: TopicFigures[];
  macroF1: number;
  /** Share of the items labelled with no topic that got one. */
  negativesHit: number;
  /** The same over the hard negatives only (topic vocabulary, not the topic). */
  hardNegativesHit: number;
}

export interface RelevanceSet {
  source: string;
  items: number;
  hardNegatives: number;
  engine: ClassifierRelevance;
  keywords: ClassifierRelevance;
}

export interface RelevanceBenchResult {
  name: 'relevance';
  sets: RelevanceSet[];
}

const TOPICS = ['un-meeting', 'talks', 'sanctions'] as const;

/** One pattern per topic: the words a keyword alert would be set up with. */
const keywordPatterns: Record<(typeof TOPICS)[number], RegExp> = {
  'un-meeting': /\b(U\.?N\.?|United Nations|Security Council|General Assembly|UNSC|UNGA)\b/,
  talks: /\b(talks|negotiat\w*|summit|mediat\w*|ceasefire|cease-fire|truce|peace (deal|plan|process))\b/i,
  sanctions: /\b(sanction\w*|embargo\w*|asset freeze\w*|blacklist\w*)\b/i,
};

const ownFixtures = fileURLToPath(new URL('../test/fixtures/classify/labelled.jsonl', import.meta.url));

function readItems(file: string): RelevanceItem[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RelevanceItem);
}

/** The repository's fixtures mark hard negatives in their note; the corpus sets with a field. */
function isHardNegative(item: RelevanceItem): boolean {
  return item.labels.length === 0 && (item.hard_negative === true || (item.note ?? '').startsWith('hard negative'));
}

function score(items: RelevanceItem[], topicsOf: (item: RelevanceItem) => Set<string>): ClassifierRelevance {
  const counts = new Map(TOPICS.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  let negatives = 0;
  let negativesHit = 0;
  let hard = 0;
  let hardHit = 0;
  for (const item of items) {
    const got = topicsOf(item);
    for (const topic of TOPICS) {
      const c = counts.get(topic) as { tp: number; fp: number; fn: number };
      const wanted = item.labels.includes(topic);
      if (got.has(topic) && wanted) c.tp += 1;
      else if (got.has(topic)) c.fp += 1;
      else if (wanted) c.fn += 1;
    }
    if (item.labels.length === 0) {
      negatives += 1;
      if (got.size > 0) negativesHit += 1;
      if (isHardNegative(item)) {
        hard += 1;
        if (got.size > 0) hardHit += 1;
      }
    }
  }
  const topics = TOPICS.map((topic) => {
    const { tp, fp, fn } = counts.get(topic) as { tp: number; fp: number; fn: number };
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { topic, precision, recall, f1 };
  });
  return {
    topics,
    macroF1: topics.reduce((sum, t) => sum + t.f1, 0) / topics.length,
    negativesHit: negatives === 0 ? 0 : negativesHit / negatives,
    hardNegativesHit: hard === 0 ? 0 : hardHit / hard,
  };
}

/** Scores the built-in topics and the keyword baseline on each labelled set that is there. */
export function benchRelevance(): RelevanceBenchResult {
  const engine = createTopicEngine(builtinTopics);
  const sources: Array<[string, string | undefined]> = [
    ['news-realistic-dev.jsonl', corpusFile('news-realistic-dev.jsonl')],
    ['news-dev.jsonl', corpusFile('news-dev.jsonl')],
    ['test/fixtures/classify/labelled.jsonl', ownFixtures],
  ];
  const sets: RelevanceSet[] = [];
  for (const [source, file] of sources) {
    if (file === undefined) continue;
    const items = readItems(file);
    sets.push({
      source,
      items: items.length,
      hardNegatives: items.filter(isHardNegative).length,
      engine: score(items, (item) => new Set(engine.classify(item).map((m) => m.topic))),
      keywords: score(items, (item) => {
        const text = `${item.title}\n${item.summary ?? ''}`;
        return new Set(TOPICS.filter((topic) => keywordPatterns[topic].test(text)));
      }),
    });
  }
  return { name: 'relevance', sets };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The figures as printed by `npm run bench -- --only relevance`. */
export function formatRelevanceBench(result: RelevanceBenchResult): string[] {
  const lines: string[] = [];
  if (!result.sets.some((set) => set.source.endsWith('realistic-dev.jsonl'))) {
    lines.push('  (news-realistic-dev.jsonl and news-dev.jsonl not found: set NEWS_ALERTS_CORPUS to the shared corpus folder)');
  }
  for (const set of result.sets) {
    lines.push(`  ${set.source}: ${set.items} items, ${set.hardNegatives} hard negatives`);
    lines.push('    topic          engine P / R / F1         keywords P / R / F1');
    for (const [i, t] of set.engine.topics.entries()) {
      const k = set.keywords.topics[i] as TopicFigures;
      const fig = (x: TopicFigures) => `${x.precision.toFixed(3)} / ${x.recall.toFixed(3)} / ${x.f1.toFixed(3)}`;
      lines.push(`    ${t.topic.padEnd(12)}   ${fig(t)}     ${fig(k)}`);
    }
    lines.push(`    macro F1       ${set.engine.macroF1.toFixed(3)}                     ${set.keywords.macroF1.toFixed(3)}`);
    lines.push(
      `    negatives hit  ${pct(set.engine.negativesHit)} (hard ${pct(set.engine.hardNegativesHit)})      ` +
        `${pct(set.keywords.negativesHit)} (hard ${pct(set.keywords.hardNegativesHit)})`,
    );
  }
  return lines;
}
