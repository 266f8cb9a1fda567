/**
 * JSON Lines in and out for the item commands (`classify`, `eval`, `stories`, `topics test`):
 * one validated line at a time, so memory stays flat on large files, and writes that wait for
 * a full stream to drain.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { z } from 'zod';
import { formatZodIssues } from '../shared/core/validation-issues.ts';

/** A JSON line that parsed and passed its schema, or why it did not. */
export type JsonLine<T> = { line: number; ok: true; value: T } | { line: number; ok: false; error: string };

/**
 * Reads JSON Lines from a file, or from `stdin` when `file` is `-` or absent. Blank lines are
 * skipped; each other line is parsed and validated, and yielded with its 1-based line number.
 */
export async function* readJsonLines<T>(
  file: string | undefined,
  stdin: NodeJS.ReadableStream,
  schema: z.ZodType<T>,
): AsyncGenerator<JsonLine<T>> {
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
