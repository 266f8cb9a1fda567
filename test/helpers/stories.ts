import { readFileSync } from 'node:fs';
import { storyInputSchema } from '../../cli/story-input.ts';
import { clusterStream, type StoryInput } from '../../shared/stories/index.ts';

/** The items of one `test/fixtures/stories/NAME.jsonl`, validated as the stories command reads them. */
export function readStoryFixture(name: string): StoryInput[] {
  return readFileSync(new URL(`../fixtures/stories/${name}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => storyInputSchema.parse(JSON.parse(line)));
}

/** Each item's story id, as `news-alerts stories` places the items in their order. */
export async function storiesOf(items: StoryInput[]): Promise<Map<string, string>> {
  const placed = new Map<string, string>();
  for await (const c of clusterStream(items)) placed.set(c.id, c.story);
  return placed;
}
