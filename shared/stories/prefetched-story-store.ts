import type { StoryPosting, StoryRecord, StoryStore } from '../store/ports.ts';

/** A `StoryStore` whose lookup rows for a batch of items were read in one go (see `prefetch`). */
export interface PrefetchedStoryStore extends StoryStore {
  /** Reads these lookup rows now (batched, 100 keys a request) and serves them from memory after. */
  prefetch(keys: string[]): Promise<void>;
  /** Reads these stories now (batched) and serves them from memory until this poll writes to one. */
  prefetchStories(storyIds: string[]): Promise<void>;
}

/**
 * Wraps a story store for one poll's items: their lookup rows are read once, together, instead of
 * once per item, and this poll's own listings are applied to the rows in memory, so a
 * near-duplicate later in the poll still finds the story an earlier one founded (as if each read
 * went to the table). Rows other pollers change meanwhile are seen by the next poll, which is the
 * staleness an eventually consistent read allows anyway. The candidate stories are read the same
 * way, and read again once this poll adds to one. Everything else goes to the store.
 */
export function prefetchedStoryStore(store: StoryStore): PrefetchedStoryStore {
  /** Key → its postings by story id; an empty map for a key without a row. */
  const rows = new Map<string, Map<string, number>>();
  /** Story id → the story as read (null: absent or expired); dropped when this poll adds to it. */
  const stories = new Map<string, StoryRecord | null>();

  async function load(keys: string[]): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !rows.has(key));
    if (missing.length === 0) return;
    const found = await store.readIndex(missing);
    for (const key of missing) rows.set(key, new Map((found.get(key) ?? []).map((posting) => [posting.storyId, posting.at])));
  }

  async function loadStories(storyIds: string[]): Promise<void> {
    const missing = [...new Set(storyIds)].filter((id) => !stories.has(id));
    if (missing.length === 0) return;
    const found = new Map((await store.getStories(missing)).map((story) => [story.storyId, story]));
    for (const id of missing) stories.set(id, found.get(id) ?? null);
  }

  return {
    ...store,
    prefetch: load,
    prefetchStories: loadStories,

    async getStories(storyIds) {
      await loadStories(storyIds);
      return [...new Set(storyIds)].flatMap((id) => stories.get(id) ?? []);
    },

    async addMember(storyId, input) {
      stories.delete(storyId);
      return store.addMember(storyId, input);
    },

    async createStory(input) {
      stories.delete(input.storyId);
      return store.createStory(input);
    },

    async readIndex(keys) {
      await load(keys);
      const found = new Map<string, StoryPosting[]>();
      for (const key of new Set(keys)) {
        const postings = rows.get(key);
        if (postings && postings.size > 0)
          found.set(
            key,
            [...postings].map(([storyId, at]) => ({ storyId, at })),
          );
      }
      return found;
    },

    async index(storyId, entries, at) {
      await store.index(storyId, entries, at);
      // As the row now reads (a row not read yet is read whole when asked for).
      for (const { key } of entries) rows.get(key)?.set(storyId, at);
    },
  };
}
