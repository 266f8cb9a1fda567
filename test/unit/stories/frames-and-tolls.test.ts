import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { framesOf, mainFrame } from '../../../shared/stories/event-frames.ts';
import { clusterStream, splitWords, storyInputSchema } from '../../../shared/stories/index.ts';
import { countsOf } from '../../../shared/stories/signals.ts';

/** One quake told twice with a rising toll; two blasts a day apart; a shooting that mentions a missile barrage. */
const items = readFileSync(new URL('../../fixtures/stories/frames-and-tolls.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => storyInputSchema.parse(JSON.parse(line)));

async function storiesOf(input: typeof items): Promise<Map<string, string>> {
  const placed = new Map<string, string>();
  for await (const c of clusterStream(input)) placed.set(c.id, c.story);
  return placed;
}

describe('stories: event frames, places and tolls', () => {
  it('reads the kind of event, the main one first', () => {
    expect(framesOf(splitWords('Tremor toll climbs'))).toEqual(['quake']);
    expect(mainFrame(framesOf(splitWords('Gunmen kill five hours before the missile barrage')))).toBe('shooting');
    expect(countsOf('killing at least 12 people, injuring 310')).toEqual(['dead:12', 'injured:310']);
  });

  it('joins a next-day write-up with a higher toll: same kind of event, same province (Kerman is in Iran)', async () => {
    expect((await storiesOf(items)).get('q2')).toBe('q1');
  });

  it('keeps a blast apart from the one the day before when it reports far fewer injured', async () => {
    expect((await storiesOf(items)).get('b2')).toBe('b2');
  });

  it('keeps a shooting apart from the missile barrage its headline mentions', async () => {
    const placed = await storiesOf(items);
    expect(placed.get('m1')).toBe('m1');
  });
});
