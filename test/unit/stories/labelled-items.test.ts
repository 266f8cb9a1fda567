import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { storyInputSchema } from '../../../cli/story-input.ts';
import { clusterStream, pairwiseScores } from '../../../shared/stories/index.ts';

/** The project's own labelled items (test/fixtures/stories/README.md): copies and look-alikes. */
const lines = readFileSync(new URL('../../fixtures/stories/labelled-items.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { id: string; story: string; published?: string });

async function cluster(items: typeof lines) {
  const out = [];
  for await (const c of clusterStream(
    items.map((l) => storyInputSchema.parse(l)),
    { seenAt: new Date('2030-03-15T00:00:00Z') },
  ))
    out.push(c);
  const label = new Map(items.map((l) => [l.id, l.story]));
  return { out, scores: pairwiseScores(out.map((c) => ({ predicted: c.story, label: label.get(c.id)! }))) };
}

describe('clustering the labelled items', () => {
  it('joins every copy and keeps every look-alike apart, with publication times', async () => {
    const { scores } = await cluster(lines);
    expect(scores).toMatchObject({ falsePositives: 0, falseNegatives: 0 });
  });

  it('does the same from text alone, without publication times', async () => {
    const { scores } = await cluster(lines.map(({ published: _published, ...rest }) => rest));
    expect(scores.falsePositives).toBe(0);
    expect(scores.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('names each story after its first item', async () => {
    const { out } = await cluster(lines);
    expect(out.find((c) => c.id === 'f03')).toMatchObject({ story: 'f01', role: 'member' });
    expect(out.find((c) => c.id === 'f19')).toMatchObject({ story: 'f19', role: 'founder' });
  });
});
