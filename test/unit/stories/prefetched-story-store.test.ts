import { describe, expect, it } from 'vitest';
import { NewsAlertsError } from '../../../shared/core/errors.ts';
import type { StoryMember } from '../../../shared/messages/schemas.ts';
import { fingerprintItem } from '../../../shared/stories/fingerprint.ts';
import { createMemoryStoryStore } from '../../../shared/stories/memory-story-store.ts';
import { prefetchedStoryStore } from '../../../shared/stories/prefetched-story-store.ts';

const at = new Date('2030-03-04T12:00:00Z');
const epoch = Math.floor(at.getTime() / 1000);
const fingerprint = fingerprintItem({ title: 'Pilots ratify deal', summary: 'Pilots ratified a deal on Tuesday.' }, at);

function member(itemKey: string): StoryMember {
  return { itemKey, feedId: 'f', source: 'Feed', title: itemKey, link: null, published: null, addedAt: at.toISOString() };
}

/** A memory store with one stored story, expiring `ttl` seconds from `at`, and a poll's prefetched view of it. */
async function pollOver(ttl: number) {
  let now = at;
  const store = createMemoryStoryStore({ now: () => now });
  await store.createStory({ storyId: 's#0', member: member('s#0'), fingerprint, at: epoch, expiresAt: epoch + ttl });
  const poll = prefetchedStoryStore(store, at);
  await poll.prefetchStories(['s#0']);
  const join = (itemKey: string) =>
    poll.addMembers('s#0', {
      members: [{ member: member(itemKey), fingerprint, list: true }],
      lastAt: epoch + 60,
      expiresAt: epoch + 3600,
    });
  return { store, poll, join, setNow: (date: Date) => (now = date) };
}

describe('prefetchedStoryStore: members of stored stories', () => {
  it('adds the members of a story live well past the poll at flush, and serves the story with them meanwhile', async () => {
    const { store, poll, join } = await pollOver(3600);
    expect(await join('s#1')).toBe(true);
    expect(await join('s#2')).toBe(true);
    expect((await store.listMembers('s#0')).map((m) => m.itemKey)).toEqual(['s#0']);
    expect((await poll.getStories(['s#0']))[0]?.members.map((m) => m.itemKey)).toEqual(['s#0', 's#1', 's#2']);
    expect((await poll.getStory('s#0'))?.fingerprints).toHaveLength(3);
    await poll.flush();
    expect((await store.getStory('s#0'))?.members.map((m) => m.itemKey)).toEqual(['s#0', 's#1', 's#2']);
    expect((await store.getStory('s#0'))?.lastAt).toBe(epoch + 60);
  });

  it('adds a member at once to a story about to expire, so a failed join is known while the item is placed', async () => {
    const { store, join } = await pollOver(5 * 60);
    expect(await join('s#1')).toBe(true);
    expect((await store.listMembers('s#0')).map((m) => m.itemKey)).toEqual(['s#0', 's#1']);
  });

  it('fails the flush, retryable, when a story expired all the same before its members were written', async () => {
    const { poll, join, setNow } = await pollOver(3600);
    expect(await join('s#1')).toBe(true);
    setNow(new Date(at.getTime() + 2 * 3600 * 1000));
    const failed = await poll.flush().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(NewsAlertsError);
    expect((failed as NewsAlertsError).retryable).toBe(true);
  });
});

describe('prefetchedStoryStore: lookup rows', () => {
  it('answers a key again with what the poll listed under it since the last answer', async () => {
    // Prepare
    const poll = prefetchedStoryStore(createMemoryStoryStore({ now: () => at }), at);
    await poll.prefetch(['k1', 'k2']);
    await poll.index([{ key: 'k1', expiresAt: epoch + 3600, stories: [{ storyId: 's#1', at: epoch }] }]);
    const before = await poll.readIndex(['k1', 'k2']);

    // Act
    await poll.index([{ key: 'k1', expiresAt: epoch + 3600, stories: [{ storyId: 's#2', at: epoch + 60 }] }]);
    const after = await poll.readIndex(['k1', 'k2']);

    // Assess
    expect(before).toEqual(new Map([['k1', [{ storyId: 's#1', at: epoch }]]]));
    expect(after).toEqual(
      new Map([
        [
          'k1',
          [
            { storyId: 's#1', at: epoch },
            { storyId: 's#2', at: epoch + 60 },
          ],
        ],
      ]),
    );
  });
});
