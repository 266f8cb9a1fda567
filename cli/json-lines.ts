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
  let line = 0;
  for await (const text of readLines(file, stdin)) {
    line += 1;
    if (text.trim() === '') continue;
    yield parseJsonLine(text, line, schema);
  }
}

/** The lines of a file, or of `stdin` when `file` is `-` or absent. */
export function readLines(file: string | undefined, stdin: NodeJS.ReadableStream): AsyncIterable<string> {
  const input = file === undefined || file === '-' ? stdin : createReadStream(file, { encoding: 'utf8' });
  return createInterface({ input, crlfDelay: Infinity });
}

/** One JSON line parsed and validated, or why not. */
export function parseJsonLine<T>(text: string, line: number, schema: z.ZodType<T>): JsonLine<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { line, ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { line, ok: true, value: parsed.data } : { line, ok: false, error: formatZodIssues(parsed.error.issues) };
}

/** Writes, waiting for the stream to drain when its buffer is full. */
export async function writeOut(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** Where the input comes from, for messages. */
export function inputName(file: string | undefined): string {
  return file === undefined || file === '-' ? 'stdin' : file;
}
