import { describe, expect, it } from 'vitest';
import { readStoryFixture, storiesOf } from '../../helpers/stories.ts';
import { framesOf, mainFrame } from '../../../shared/stories/event-frames.ts';
import { splitWords } from '../../../shared/stories/index.ts';
import { countsOf } from '../../../shared/stories/signals.ts';

/** One quake told twice with a rising toll; two blasts a day apart; a shooting that mentions a missile barrage. */
const items = readStoryFixture('frames-and-tolls');

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
