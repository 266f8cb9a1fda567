import type { StoryMember, StoryPosting, StoryRecord, StoryStore } from '../store/ports.ts';
import type { StoryFingerprint } from '../store/records.ts';

/**
 * A `StoryStore` in memory, with the DynamoDB adapter's semantics (expiry, idempotent members,
 * conditional creation): the `stories` command and unit tests run the pipeline's clustering on
 * it. `now` decides what has expired.
 */
export function createMemoryStoryStore(options: { now?: () => Date } = {}): StoryStore {
  const now = options.now ?? (() => new Date());
  const epochNow = () => Math.floor(now().getTime() / 1000);

  interface StoredStory {
    storyId: string;
    createdAt: string;
    lastAt: number;
    expiresAt: number;
    members: Map<string, StoryMember>;
    unlistedMembers: number;
    fingerprints: Map<string, StoryFingerprint>;
  }
  const stories = new Map<string, StoredStory>();
  const keyRows = new Map<string, { postings: Map<string, number>; expiresAt: number }>();
  /** Items that joined another story: the pointer in the item's place. */
  const pointers = new Map<string, { storyId: string; expiresAt: number }>();
  const alerted = new Map<string, { topics: Set<string>; expiresAt: number }>();

  function live(storyId: string): StoredStory | undefined {
    const story = stories.get(storyId);
    return story && story.expiresAt >= epochNow() ? story : undefined;
  }

  function livePointer(itemKey: string): { storyId: string } | undefined {
    const pointer = pointers.get(itemKey);
    return pointer && pointer.expiresAt >= epochNow() ? pointer : undefined;
  }

  function liveAlerted(storyId: string): Iterable<string> {
    const row = alerted.get(storyId);
    return row && row.expiresAt >= epochNow() ? row.topics : [];
  }

  function toRecord(story: StoredStory): StoryRecord {
    return {
      storyId: story.storyId,
      createdAt: story.createdAt,
      lastAt: story.lastAt,
      members: [...story.members.values()].sort((a, b) => a.addedAt.localeCompare(b.addedAt)).map((m) => ({ ...m })),
      unlistedMembers: story.unlistedMembers,
      fingerprints: [...story.fingerprints].map(([itemKey, fingerprint]) => ({ itemKey, fingerprint })),
      alertedTopics: [...liveAlerted(story.storyId)].sort(),
      expiresAt: story.expiresAt,
    };
  }

  return {
    async readIndex(keys) {
      const found = new Map<string, StoryPosting[]>();
      for (const key of new Set(keys)) {
        const row = keyRows.get(key);
        if (!row || row.expiresAt < epochNow()) continue;
        found.set(
          key,
          [...row.postings].map(([storyId, at]) => ({ storyId, at })),
        );
      }
      return found;
    },

    async getStories(storyIds) {
      return [...new Set(storyIds)].flatMap((id) => {
        const story = live(id);
        return story ? [toRecord(story)] : [];
      });
    },

    async getStory(storyId) {
      const story = live(storyId);
      return story ? toRecord(story) : undefined;
    },

    async listMembers(storyId) {
      const story = live(storyId);
      return story ? toRecord(story).members : [];
    },

    async createStory(input) {
      const existing = live(input.storyId);
      if (existing) return { created: false, story: toRecord(existing) };
      const pointer = livePointer(input.storyId);
      if (pointer && !input.replacePointer) return { created: false, memberOf: pointer.storyId };
      pointers.delete(input.storyId);
      const story: StoredStory = {
        storyId: input.storyId,
        createdAt: input.member.addedAt,
        lastAt: input.at,
        expiresAt: input.expiresAt,
        members: new Map([[input.member.itemKey, { ...input.member }]]),
        unlistedMembers: 0,
        fingerprints: new Map([[input.member.itemKey, input.fingerprint]]),
      };
      stories.set(input.storyId, story);
      return { created: true, story: toRecord(story) };
    },

    async addMembers(storyId, join) {
      const story = live(storyId);
      if (!story) return false;
      for (const { member, fingerprint, list } of join.members) {
        if (list) {
          if (!story.members.has(member.itemKey)) story.members.set(member.itemKey, { ...member });
        } else {
          story.unlistedMembers += 1;
        }
        if (fingerprint && !story.fingerprints.has(member.itemKey)) story.fingerprints.set(member.itemKey, fingerprint);
      }
      story.lastAt = join.lastAt;
      story.expiresAt = Math.max(story.expiresAt, join.expiresAt);
      return true;
    },

    async index(listings) {
      for (const { key, expiresAt, stories: listed } of listings) {
        let row = keyRows.get(key);
        if (!row || row.expiresAt < epochNow()) {
          row = { postings: new Map(), expiresAt };
          keyRows.set(key, row);
        }
        for (const { storyId, at } of listed) row.postings.set(storyId, Math.max(row.postings.get(storyId) ?? at, at));
        row.expiresAt = Math.max(row.expiresAt, expiresAt);
      }
    },

    async markAlerted(entries, expiresAt) {
      for (const { storyId, topics } of entries) if (topics.length > 0) alerted.set(storyId, { topics: new Set(topics), expiresAt });
    },

    async placedItems(itemKeys) {
      return new Set(itemKeys.filter((itemKey) => live(itemKey) !== undefined || livePointer(itemKey) !== undefined));
    },

    async writePlaces(places) {
      for (const place of places) {
        if (!('story' in place)) {
          pointers.set(place.itemKey, { storyId: place.memberOf, expiresAt: place.expiresAt });
          continue;
        }
        const { story } = place;
        pointers.delete(story.storyId);
        stories.set(story.storyId, {
          storyId: story.storyId,
          createdAt: story.createdAt,
          lastAt: story.lastAt,
          expiresAt: story.expiresAt,
          members: new Map(story.members.map((m) => [m.itemKey, { ...m }])),
          unlistedMembers: story.unlistedMembers,
          fingerprints: new Map(story.fingerprints.map((f) => [f.itemKey, f.fingerprint])),
        });
      }
    },

    async placeItem(itemKey, storyId, expiresAt) {
      const founded = live(itemKey);
      if (founded) return { storyId: itemKey, role: 'founder', first: false, story: toRecord(founded) };
      const pointer = livePointer(itemKey);
      if (pointer) return { storyId: pointer.storyId, role: 'member', first: false };
      pointers.set(itemKey, { storyId, expiresAt });
      return { storyId, role: 'member', first: true };
    },
  };
}
