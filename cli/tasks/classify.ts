import { z } from 'zod';
import { builtinTopics, createTopicEngine, type TopicEngine } from '../../shared/classify/index.ts';
import type { CliIo } from '../io.ts';
import { inputName, readJsonLines, writeOut } from '../json-lines.ts';

/** One input line of `classify`: extra fields (labels, links) are ignored. */
export const classifyInputSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string(),
  summary: z.string().optional(),
});

/**
 * `news-alerts classify [FILE|-] [--explain]`: JSON Lines in (`{"id"?, "title", "summary"?}`),
 * JSON Lines out (`{"id", "topics": [{"topic", "score", "matched"}]}`, topics that pass only).
 * `id` is the item's own or, when it has none, its line number. Without `explain`, `matched`
 * lists the matched phrases; with it, `{phrase, text, field, position, rule}` objects.
 * A bad line is reported on stderr with its line number and skipped; the exit code is then 1.
 */
export async function runClassify(args: { file?: string | undefined; explain: boolean; engine?: TopicEngine }, io: CliIo): Promise<number> {
  const engine = args.engine ?? createTopicEngine(builtinTopics);
  let failures = 0;
  try {
    for await (const entry of readJsonLines(args.file, io.stdin, classifyInputSchema)) {
      if (!entry.ok) {
        failures += 1;
        await writeOut(io.stderr, `classify: line ${entry.line}: ${entry.error} (${inputName(args.file)})\n`);
        continue;
      }
      const item = entry.value;
      const topics = engine.classify(item).map((match) => ({
        topic: match.topic,
        score: match.score,
        matched: args.explain ? match.matched : [...new Set(match.matched.map((m) => m.phrase))],
      }));
      await writeOut(io.stdout, `${JSON.stringify({ id: item.id ?? String(entry.line), topics })}\n`);
    }
  } catch (error) {
    await writeOut(io.stderr, `classify: cannot read ${inputName(args.file)}: ${(error as Error).message}\n`);
    return 1;
  }
  return failures === 0 ? 0 : 1;
}
