import { existsSync } from 'node:fs';
import { z } from 'zod';
import { builtinTopics, createTopicEngine, type TopicEngine } from '../../shared/classify/index.ts';
import type { CliIo } from '../io.ts';
import { inputName, type JsonLine, parseJsonLine, readLines, writeOut } from '../json-lines.ts';

/** One input line of `classify`: extra fields (labels, links) are ignored. */
export const classifyInputSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string(),
  summary: z.string().optional(),
});

type ClassifyInput = z.infer<typeof classifyInputSchema>;

/**
 * `news-alerts classify [TEXT|FILE|-] [--explain] [--whole]`: what to classify is a sentence
 * given as the argument, or a file (stdin for `-` or none) of JSON Lines (`{"id"?, "title",
 * "summary"?}`, recognised by a first line starting with `{`) or of plain text: one item per
 * line, or with `whole` the whole text as one item (first line the title, the rest its summary).
 * JSON Lines out (`{"id", "topics": [{"topic", "score", "matched"}]}`, topics that pass only).
 * `id` is the item's own or, when it has none, its line number. Without `explain`, `matched`
 * lists the matched phrases; with it, `{phrase, text, field, position, rule}` objects.
 * A bad JSON line is reported on stderr with its line number and skipped; the exit code is then 1.
 */
export async function runClassify(
  args: { input?: string | undefined; explain: boolean; whole?: boolean; engine?: TopicEngine },
  io: CliIo,
): Promise<number> {
  const engine = args.engine ?? createTopicEngine(builtinTopics);
  const source = sourceOf(args.input);
  let failures = 0;
  try {
    const entries =
      source.kind === 'sentence' ? oneItem(source.text) : readItems(readLines(source.file, io.stdin), { whole: args.whole ?? false });
    for await (const entry of entries) {
      if (!entry.ok) {
        failures += 1;
        await writeOut(io.stderr, `classify: line ${entry.line}: ${entry.error} (${inputName(source.file)})\n`);
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
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? ' (to classify a sentence, give it in quotes with its spaces)' : '';
    await writeOut(io.stderr, `classify: cannot read ${inputName(source.file)}: ${(error as Error).message}${hint}\n`);
    return 1;
  }
  return failures === 0 ? 0 : 1;
}

type Source = { kind: 'sentence'; text: string; file?: undefined } | { kind: 'file'; file: string | undefined };

/** A file when one of that name exists (or `-`, or nothing: stdin); else text with a space is a sentence. */
function sourceOf(input: string | undefined): Source {
  if (input === undefined || input === '-' || existsSync(input) || !/\s/.test(input.trim())) return { kind: 'file', file: input };
  return { kind: 'sentence', text: input.trim() };
}

async function* oneItem(text: string): AsyncGenerator<JsonLine<ClassifyInput>> {
  yield { line: 1, ok: true, value: { title: text } };
}

/** JSON Lines when the first non-blank line starts with `{`; plain text otherwise. */
async function* readItems(lines: AsyncIterable<string>, options: { whole: boolean }): AsyncGenerator<JsonLine<ClassifyInput>> {
  let mode: 'json' | 'text' | undefined;
  let line = 0;
  const whole: string[] = [];
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    mode ??= text.trimStart().startsWith('{') ? 'json' : 'text';
    if (mode === 'json') yield parseJsonLine(text, line, classifyInputSchema);
    else if (options.whole) whole.push(text.trim());
    else yield { line, ok: true, value: { title: text.trim() } };
  }
  if (whole.length > 0) {
    const [title = '', ...rest] = whole;
    yield { line: 1, ok: true, value: rest.length > 0 ? { title, summary: rest.join(' ') } : { title } };
  }
}
