import { z } from 'zod';
import {
  builtinTopics,
  createTopicEngine,
  evaluateLabelled,
  formatEvaluationReport,
  type LabelledItem,
  type TopicEngine,
} from '../../shared/classify/index.ts';
import type { CliIo } from '../io.ts';
import { inputName, readJsonLines, writeOut } from '../json-lines.ts';

/** One input line of `eval`: an item and the topics a person gave it. */
export const evalInputSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string(),
  summary: z.string().optional(),
  labels: z.array(z.string()),
});

/**
 * `news-alerts eval FILE [--json]`: classifies every line of a labelled JSON Lines file and
 * prints precision, recall and F1 per topic, the micro average, and the confusion lists (false
 * positives and negatives with id and title); `--json` prints the same as one JSON document.
 * Lines that fail to parse are reported on stderr with their line number and left out; the
 * exit code is then 1. Labels naming topics the engine does not know are reported too.
 */
export async function runEval(file: string, io: CliIo, options: { json: boolean; engine?: TopicEngine }): Promise<number> {
  const engine = options.engine ?? createTopicEngine(builtinTopics);
  const known = new Set(engine.topicIds());
  const unknown = new Set<string>();
  const items: LabelledItem[] = [];
  let failures = 0;
  try {
    for await (const entry of readJsonLines(file, io.stdin, evalInputSchema)) {
      if (!entry.ok) {
        failures += 1;
        await writeOut(io.stderr, `eval: line ${entry.line}: ${entry.error} (${inputName(file)})\n`);
        continue;
      }
      const { id, title, summary, labels } = entry.value;
      for (const label of labels) if (!known.has(label)) unknown.add(label);
      items.push({ id: id === undefined ? String(entry.line) : String(id), title, summary, labels });
    }
  } catch (error) {
    await writeOut(io.stderr, `eval: cannot read ${inputName(file)}: ${(error as Error).message}\n`);
    return 1;
  }
  if (unknown.size > 0) {
    await writeOut(io.stderr, `eval: labels name topics the engine does not have, ignored: ${[...unknown].sort().join(', ')}\n`);
  }
  const report = evaluateLabelled(engine, items);
  await writeOut(io.stdout, options.json ? `${JSON.stringify(report, null, 2)}\n` : formatEvaluationReport(report, { errors: true }));
  return failures === 0 ? 0 : 1;
}
