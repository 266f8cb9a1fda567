import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTopics, createTopicEngine, evaluateLabelled, type LabelledItem } from '../../../shared/classify/index.ts';

/** Headlines and summaries written for this repository (not taken from any corpus). */
const fixtureFile = path.join(import.meta.dirname, '..', '..', 'fixtures', 'classify', 'labelled.jsonl');
const fixtures = readFileSync(fixtureFile, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as LabelledItem & { note: string });

const engine = createTopicEngine(builtinTopics);
const topicsOf = (item: LabelledItem) =>
  engine
    .classify(item)
    .map((m) => m.topic)
    .sort();

describe('built-in topics on the labelled fixtures', () => {
  it('covers every topic and the hard negatives of issue 4', () => {
    // Prepare / Assess: the set is big enough to mean something.
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
    for (const topic of ['un-meeting', 'talks', 'sanctions']) {
      expect(fixtures.filter((f) => f.labels.includes(topic)).length).toBeGreaterThanOrEqual(10);
    }
    expect(fixtures.filter((f) => f.note.startsWith('hard negative')).length).toBeGreaterThanOrEqual(30);
  });

  it.each(fixtures.filter((f) => f.note.startsWith('hard negative')))('must pass: $id $title gets no topic', (item) => {
    expect(topicsOf(item)).toEqual([]);
  });

  it.each(fixtures.filter((f) => !f.note.startsWith('hard negative')))('$id $title gets $labels', (item) => {
    expect(topicsOf(item)).toEqual([...item.labels].sort());
  });

  it('reaches precision and recall of at least 0.9 per topic', () => {
    const report = evaluateLabelled(engine, fixtures);
    for (const scores of report.topics) {
      expect(scores.precision, scores.topic).toBeGreaterThanOrEqual(0.9);
      expect(scores.recall, scores.topic).toBeGreaterThanOrEqual(0.9);
    }
  });
});
