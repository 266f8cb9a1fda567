import { describe, expect, it } from 'vitest';
import { assignStory, type StoryItem } from '../../../shared/stories/assign-story.ts';
import { fingerprintItem } from '../../../shared/stories/fingerprint.ts';
import { sketchOf } from '../../../shared/stories/lookup-keys.ts';
import { createMemoryStoryStore } from '../../../shared/stories/memory-story-store.ts';
import { defaultStorySettings } from '../../../shared/stories/settings.ts';

const at = new Date('2030-03-04T12:00:00Z');
const day = 24 * 60 * 60;

function item(itemKey: string, title: string, summary: string, published: string | null = '2030-03-04T09:00:00Z'): StoryItem {
  return {
    itemKey,
    feedId: itemKey.split('#')[0]!,
    source: `Feed ${itemKey}`,
    title,
    summary,
    link: `https://example.org/${encodeURIComponent(itemKey)}`,
    published,
  };
}

const wire = item(
  'a#1',
  'Kestrel Airways pilots ratify pay deal',
  'Pilots at Kestrel Airways on Tuesday ratified a four-year contract that cuts pay by 12 percent, the union said.',
);
const copy = item(
  'b#1',
  'Kestrel pilots ratify contract (Business Desk)',
  'Business Desk - Pilots at Kestrel Airways on Tuesday ratified a four-year contract cutting pay by 12 percent, the union said.',
  '2030-03-04T10:30:00Z',
);
const tentative = item(
  'c#1',
  'Kestrel Airways reaches tentative deal with pilots',
  'Kestrel Airways reached a tentative four-year contract with its pilots that cuts pay by 12 percent, the union said on Tuesday.',
  '2030-03-04T11:00:00Z',
);

function deps(now = at) {
  return { stories: createMemoryStoryStore({ now: () => now }), retentionSeconds: 30 * day };
}

describe('assignStory', () => {
  it('founds a story under the item key, and a copy from another feed joins it with its members', async () => {
    const d = deps();
    const first = await assignStory(wire, at, d);
    expect(first).toMatchObject({ storyId: 'a#1', role: 'founder', resumed: false });

    const second = await assignStory(copy, at, d);
    expect(second).toMatchObject({ storyId: 'a#1', role: 'member', resumed: false });
    expect(second.score).toBeGreaterThanOrEqual(defaultStorySettings.threshold);
    expect((await d.stories.listMembers('a#1')).map((m) => [m.itemKey, m.source])).toEqual([
      ['a#1', 'Feed a#1'],
      ['b#1', 'Feed b#1'],
    ]);
  });

  it('is idempotent: placing the same item again finds where it went', async () => {
    const d = deps();
    await assignStory(wire, at, d);
    await assignStory(copy, at, d);
    expect(await assignStory(wire, at, d)).toMatchObject({ storyId: 'a#1', role: 'founder', resumed: true });
    expect(await assignStory(copy, at, d)).toMatchObject({ storyId: 'a#1', role: 'member', resumed: true });
    expect(await d.stories.listMembers('a#1')).toHaveLength(2);
  });

  it('keeps a tentative deal apart from its ratification although the words overlap', async () => {
    const d = deps();
    await assignStory(wire, at, d);
    expect(await assignStory(tentative, at, d)).toMatchObject({ storyId: 'c#1', role: 'founder' });
  });

  it('keeps the same words a week apart in two stories (time window)', async () => {
    const d = deps(new Date('2030-03-11T12:00:00Z'));
    await assignStory(wire, at, d);
    const weekLater = { ...copy, itemKey: 'b#2', published: '2030-03-11T10:00:00Z' };
    expect(await assignStory(weekLater, new Date('2030-03-11T12:00:00Z'), d)).toMatchObject({ role: 'founder', storyId: 'b#2' });
  });

  it("lists an item its feed dates after the poll under the poll's day, where a copy dated ahead too still finds it", async () => {
    const d = deps();
    const ahead = { ...wire, published: '2030-03-06T09:00:00Z' };
    await assignStory(ahead, at, d);
    const listed = sketchOf(fingerprintItem(ahead, at), defaultStorySettings.sketchSize).slice(0, defaultStorySettings.indexSize);
    expect((await d.stories.readIndex(listed.map((key) => `${key}@2030-03-04`))).size).toBe(listed.length);
    expect((await d.stories.readIndex(listed.map((key) => `${key}@2030-03-06`))).size).toBe(0);
    expect(await assignStory({ ...copy, published: '2030-03-06T10:30:00Z' }, at, d)).toMatchObject({ storyId: 'a#1', role: 'member' });
  });

  it('finds, from a poll begun just before midnight, a copy listed by a poll begun just after it', async () => {
    const d = deps(new Date('2030-03-05T00:00:10Z'));
    await assignStory({ ...wire, published: '2030-03-05T00:00:01Z' }, new Date('2030-03-05T00:00:05Z'), d);
    const late = await assignStory({ ...copy, published: '2030-03-05T00:00:03Z' }, new Date('2030-03-04T23:59:50Z'), d);
    expect(late).toMatchObject({ storyId: 'a#1', role: 'member' });
  });

  it('lists members up to the cap and counts the rest', async () => {
    const d = deps();
    const settings = { ...defaultStorySettings, maxListedMembers: 2, maxMatchMembers: 1 };
    await assignStory(wire, at, { ...d, settings });
    for (const feed of ['b', 'c', 'd']) await assignStory({ ...copy, itemKey: `${feed}#9`, feedId: feed }, at, { ...d, settings });
    const story = await d.stories.getStory('a#1');
    expect(story?.members.map((m) => m.itemKey)).toEqual(['a#1', 'b#9']);
    expect(story?.unlistedMembers).toBe(2);
    expect(story?.fingerprints.map((f) => f.itemKey)).toEqual(['a#1']);
  });

  it('forgets a story once it expires', async () => {
    let now = at;
    const stories = createMemoryStoryStore({ now: () => now });
    await assignStory(wire, at, { stories, retentionSeconds: day });
    now = new Date(at.getTime() + 2 * day * 1000);
    expect(await stories.getStory('a#1')).toBeUndefined();
    expect(await stories.listMembers('a#1')).toEqual([]);
  });

  it('does not index a saturated key again, and still finds the story through the others', async () => {
    const d = deps();
    const settings = { ...defaultStorySettings, maxPostingsPerKey: 1 };
    await assignStory(wire, at, { ...d, settings });
    const joined = await assignStory(copy, at, { ...d, settings });
    expect(joined.storyId).toBe('a#1');
  });
});
