import * as z from '../../core/zod.ts';
import { InvalidMessageError } from '../../core/errors.ts';

/**
 * Opaque page cursors: a Query's LastEvaluatedKey as base64url JSON. Cursors travel in queue
 * messages, so decoding validates them like any other input.
 */
export function encodeCursor(lastEvaluatedKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
}

/** Decodes a cursor against the key schema it must match; a bad cursor is a bad message. */
export function decodeCursor<T>(cursor: string, schema: z.core.$ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidMessageError(`page cursor is not valid: not base64url JSON (${what})`);
  }
  const result = z.safeParse(schema, value);
  if (!result.success) throw new InvalidMessageError(`page cursor is not valid: wrong key shape (${what})`);
  return result.data;
}
