import { type HttpRequest, mediaTypeOf } from '../api/index.ts';
import { ProblemError } from '../core/problem.ts';

/** Limits on a posted form: the pages' forms stay far below them. */
export const FORM_LIMITS = { maxBytes: 16 * 1024, maxFields: 64, maxValueLength: 2048 } as const;

/** A parsed form: every value of each field, in order. */
export interface FormFields {
  get(name: string): string | undefined;
  getAll(name: string): string[];
}

/**
 * Parses an `application/x-www-form-urlencoded` post within `FORM_LIMITS`; anything else, or
 * too much of it, is a `ProblemError` (415, 413 or 400).
 */
export function parseForm(request: Pick<HttpRequest, 'headers' | 'body'>): FormFields {
  const type = mediaTypeOf(request);
  if (type !== 'application/x-www-form-urlencoded') {
    throw new ProblemError('unsupported-media-type', `expected application/x-www-form-urlencoded, got ${type || 'no content type'}`);
  }
  if (Buffer.byteLength(request.body, 'utf8') > FORM_LIMITS.maxBytes) {
    throw new ProblemError('too-large', `the form is larger than ${FORM_LIMITS.maxBytes} bytes`);
  }
  const params = new URLSearchParams(request.body);
  const fields = new Map<string, string[]>();
  let count = 0;
  for (const [name, value] of params) {
    count += 1;
    if (count > FORM_LIMITS.maxFields) throw new ProblemError('bad-form', `the form has more than ${FORM_LIMITS.maxFields} fields`);
    if (value.length > FORM_LIMITS.maxValueLength) {
      throw new ProblemError('bad-form', `field ${name.slice(0, 40)} is longer than ${FORM_LIMITS.maxValueLength} characters`);
    }
    const values = fields.get(name) ?? [];
    values.push(value);
    fields.set(name, values);
  }
  return {
    get: (name) => fields.get(name)?.[0],
    getAll: (name) => fields.get(name) ?? [],
  };
}
