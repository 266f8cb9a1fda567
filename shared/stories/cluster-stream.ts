import type { StoryStore } from '../store/ports.ts';
import { assignStory } from './assign-story.ts';
import { createMemoryStoryStore } from './memory-story-store.ts';
import { defaultStorySettings, type StorySettings } from './settings.ts';

/** One item to cluster: what `news-alerts stories` reads from each line (cli/story-input.ts). */
export interface StoryInput {
  id: string;
  title: string;
  summary?: string | null | undefined;
  link?: string | null | undefined;
  source?: string | null | undefined;
  published?: string | null | undefined;
}

export interface ClusteredItem {
  id: string;
  /** The story id: the id of the story's first item. */
  story: string;
  role: 'founder' | 'member';
  score?: number;
}

/** Long enough that nothing expires while a file is read. */
const CLI_RETENTION_SECONDS = 10 * 365 * 24 * 60 * 60;

/**
 * Clusters items in arrival order with exactly the pipeline's decision (`assignStory`) over an
 * in-memory store. An item's time is its `published` date, else `seenAt` (one instant for the
 * whole input: items without dates give no time signal, only text).
 */
export async function* clusterStream(
  items: AsyncIterable<StoryInput> | Iterable<StoryInput>,
  options: { seenAt?: Date; settings?: StorySettings; store?: StoryStore } = {},
): AsyncGenerator<ClusteredItem> {
  // The replay clock: items arrive as a feed delivered them, so an undated item is seen when
  // the latest dated item before it came out (as the pipeline sees it at poll time).
  let clock = options.seenAt?.getTime();
  const now = () => new Date(clock ?? Date.now());
  const stories = options.store ?? createMemoryStoryStore({ now });
  const settings = options.settings ?? defaultStorySettings;
  for await (const input of items) {
    const published = validDate(input.published);
    if (published !== null && !options.seenAt) clock = Math.max(clock ?? 0, Date.parse(published));
    const assignment = await assignStory(
      {
        itemKey: input.id,
        feedId: input.source || 'input',
        source: input.source ?? '',
        title: input.title,
        summary: input.summary ?? '',
        link: validUrl(input.link),
        published,
      },
      now(),
      { stories, retentionSeconds: CLI_RETENTION_SECONDS, settings },
    );
    yield {
      id: input.id,
      story: assignment.storyId,
      role: assignment.role,
      ...(assignment.score === undefined ? {} : { score: assignment.score }),
    };
  }
}

function validUrl(link: string | null | undefined): string | null {
  return link && URL.canParse(link) ? link : null;
}

function validDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
