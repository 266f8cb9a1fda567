import { describe, expect, it } from 'vitest';
import { storiesOf } from '../../helpers/stories.ts';
import { defaultStorySettings, type StoryInput } from '../../../shared/stories/index.ts';
import { lookupKeys } from '../../../shared/stories/lookup-keys.ts';

/** Invented events (2030), written for these tests. */
const quake: StoryInput[] = [
  {
    id: 'k1',
    title: 'Strong quake strikes Kerman province, dozens dead',
    summary: 'A magnitude 6.1 earthquake hit southern Iran before dawn, killing at least 40 people in villages near Kerman.',
    published: '2030-05-01T04:00:00Z',
  },
  {
    id: 'k2',
    title: 'Kerman quake toll passes 300 as rescuers reach remote villages',
    summary: 'Five days after the tremor, Iranian officials said more than 300 people had died in Kerman province.',
    published: '2030-05-06T09:00:00Z',
  },
  {
    id: 'k3',
    title: 'Another quake hits Kerman province',
    summary: 'A second magnitude 6.1 tremor struck near Kerman in southern Iran, days after the first.',
    published: '2030-05-05T02:00:00Z',
  },
  {
    id: 'k4',
    title: 'Quake rattles Kerman province',
    summary: 'A magnitude 6.1 earthquake struck near Kerman in southern Iran.',
    published: '2030-05-07T02:00:00Z',
  },
];

const crash: StoryInput[] = [
  {
    id: 'c1',
    title: 'Helicopter carrying minister Varga crashes in fog',
    summary: 'A helicopter with interior minister Anton Varga aboard came down in mountains near Sofia, Bulgaria; rescuers are searching.',
    published: '2030-06-01T10:00:00Z',
  },
  {
    id: 'c3',
    title: 'Rescuers reach Varga crash site; no survivors',
    summary: 'Emergency crews found the wreckage of the helicopter that carried minister Anton Varga.',
    published: null,
  },
  {
    id: 'c2',
    title: 'Varga killed in helicopter crash, government says',
    summary: 'Bulgaria said interior minister Anton Varga and four crew died when their helicopter crashed in fog.',
    published: '2030-06-04T12:00:00Z',
  },
];

const oil: StoryInput[] = [
  {
    id: 'o1',
    title: 'Producers pledge 1.15m bpd output cut from June',
    summary: 'Members of the group announced voluntary cuts totalling about 1.15 million bpd.',
    published: '2030-03-02T10:00:00Z',
  },
  {
    id: 'o2',
    title: 'Surprise 1.16 million barrel a day reduction jolts oil market',
    summary: 'The producers group said output would fall by 1.16 million barrels a day from June.',
    published: '2030-03-02T18:00:00Z',
  },
];

describe('stories: follow-ups, undated reports and near figures', () => {
  it('joins a toll update five days later, and keeps another quake in the same province apart', async () => {
    const placed = await storiesOf(quake);
    expect(placed.get('k2')).toBe('k1');
    // "Another quake": a new occurrence, however alike.
    expect(placed.get('k3')).toBe('k3');
    // Same kind, same place, six days later, nothing beyond: a new quake.
    expect(placed.get('k4')).not.toBe('k1');
  });

  it('joins a report days later that names the same person in its headline, and an undated one that names him (seen the same day)', async () => {
    const placed = await storiesOf(crash);
    expect(placed.get('c2')).toBe('c1');
    expect(placed.get('c3')).toBe('c1');
  });

  it('treats figures within 2 % as one (1.15m vs 1.16 million bpd)', async () => {
    expect((await storiesOf(oil)).get('o2')).toBe('o1');
  });

  it('reads the follow-up window with the rarest keys only: one batched read', () => {
    const sketch = Array.from({ length: defaultStorySettings.sketchSize }, (_, i) => `k${i}`);
    const keys = lookupKeys(sketch, Date.parse('2030-05-06T12:00:00Z') / 1000, defaultStorySettings.windowSeconds, {
      seconds: defaultStorySettings.followUpWindowSeconds,
      keys: defaultStorySettings.followUpKeys,
    });
    expect(keys).toHaveLength(5 * 10 + 10 * 3);
    expect(keys).toContain('k0@2030-04-29');
    expect(keys).not.toContain('k3@2030-04-29');
    expect(keys).toContain('k9@2030-05-04');
  });

  it('reads no day bucket after the poll: no row is written in one (an item dated ahead is bucketed by the poll)', () => {
    const sketch = Array.from({ length: defaultStorySettings.sketchSize }, (_, i) => `k${i}`);
    const now = Date.parse('2030-05-06T12:00:00Z') / 1000;
    const far = { seconds: defaultStorySettings.followUpWindowSeconds, keys: defaultStorySettings.followUpKeys };
    const keys = lookupKeys(sketch, now, defaultStorySettings.windowSeconds, far, now);
    expect(keys).toHaveLength(3 * 10 + 5 * 3);
    expect(keys).toContain('k9@2030-05-06');
    expect(keys.some((key) => key.endsWith('@2030-05-07'))).toBe(false);
    // Yesterday's item: its near buckets up to today, none after.
    expect(lookupKeys(sketch, now - 86_400, defaultStorySettings.windowSeconds, far, now)).toHaveLength(4 * 10 + 5 * 3);
  });
});
