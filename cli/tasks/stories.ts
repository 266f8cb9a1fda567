import { clusterStream, type StoryInput } from '../../shared/stories/index.ts';
import { storyInputSchema } from '../story-input.ts';
import type { CliIo } from '../io.ts';
import { inputName, readJsonLines, writeOut } from '../json-lines.ts';

/**
 * `news-alerts stories [FILE|-]`: JSON Lines in (`{"id", "title", "summary", "link"?, "source"?,
 * "published"?}`, in arrival order), JSON Lines out (`{"id", "story"}`; items of one story share
 * the story id, which is the id of its first item). The clustering is the pipeline's own
 * (`assignStory`) over an in-memory store. A bad line is reported on stderr with its number and
 * skipped; the exit code is then 1. With `explain`, each line also says whether the item founded
 * or joined its story, and with what similarity.
 */
export async function runStories(args: { file?: string | undefined; explain?: boolean; now?: Date }, io: CliIo): Promise<number> {
  let failures = 0;
  async function* valid(): AsyncGenerator<StoryInput> {
    for await (const entry of readJsonLines(args.file, io.stdin, storyInputSchema)) {
      if (entry.ok) {
        yield entry.value;
        continue;
      }
      failures += 1;
      await writeOut(io.stderr, `stories: line ${entry.line}: ${entry.error} (${inputName(args.file)})\n`);
    }
  }
  try {
    for await (const clustered of clusterStream(valid(), args.now ? { seenAt: args.now } : {})) {
      const line = args.explain
        ? {
            id: clustered.id,
            story: clustered.story,
            role: clustered.role,
            ...(clustered.score === undefined ? {} : { score: round(clustered.score) }),
          }
        : { id: clustered.id, story: clustered.story };
      await writeOut(io.stdout, `${JSON.stringify(line)}\n`);
    }
  } catch (error) {
    await writeOut(io.stderr, `stories: cannot read ${inputName(args.file)}: ${(error as Error).message}\n`);
    return 1;
  }
  return failures === 0 ? 0 : 1;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
