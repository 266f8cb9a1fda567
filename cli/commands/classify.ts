import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { builtinTopics, createTopicEngine, type TopicEngine } from '../../shared/classify/index.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';

/** The streams a command reads and writes; tests pass their own. */
export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: Writable;
  stderr: Writable;
}

/** One input line of `classify`: extra fields (labels, links) are ignored. */
export const classifyInputSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string(),
  summary: z.string().optional(),
});

/** A JSON line that parsed and passed its schema, or why it did not. */
export type JsonLine<T> = { line: number; ok: true; value: T } | { line: number; ok: false; error: string };

/**
 * Reads JSON Lines from a file, or from `stdin` when `file` is `-` or absent, one line at a
 * time (memory stays flat on large files). Blank lines are skipped; each other line is parsed
 * and validated, and yielded with its 1-based line number.
 */
export async function* readJsonLines<T>(file: string | undefined, stdin: NodeJS.ReadableStream, schema: z.ZodType<T>): AsyncGenerator<JsonLine<T>> {
  const input = file === undefined || file === '-' ? stdin : createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      yield { line, ok: false, error: `not JSON: ${(error as Error).message}` };
      continue;
    }
    const parsed = schema.safeParse(raw);
    yield parsed.success ? { line, ok: true, value: parsed.data } : { line, ok: false, error: formatZodIssues(parsed.error.issues) };
  }
}

/** Writes, waiting for the stream to drain when its buffer is full. */
export async function writeOut(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** Where the input comes from, for messages. */
export function inputName(file: string | undefined): string {
  return file === undefined || file === '-' ? 'stdin' : file;
}

/**
 * `news-alerts classify [FILE|-] [--explain]`: JSON Lines in (`{"id"?, "title", "summary"?}`),
 * JSON Lines out (`{"id", "topics": [{"topic", "score", "matched"}]}`, topics that pass only).
 * `id` is the item's own or, when it has none, its line number. Without `explain`, `matched`
 * lists the matched phrases; with it, `{phrase, text, field, position, rule}` objects.
 * A bad line is reported on stderr with its line number and skipped; the exit code is then 1.
 */
export async function runClassify(
  args: { file?: string; explain: boolean; engine?: TopicEngine },
  io: CommandIo,
): Promise<number> {
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
