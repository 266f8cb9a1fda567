import { NewsAlertsError } from './errors.ts';

/**
 * Failures of API and page requests as RFC 9457 problem details: a stable `type` per kind of
 * problem, a human `title`, the HTTP `status`, a `detail` naming what was wrong, and for input
 * problems the list of fields at fault. Pages render the same error as an HTML page.
 */

/** Every kind of problem the API answers with, its status and title. */
export const problemKinds = {
  'bad-json': { status: 400, title: 'Request body is not valid JSON' },
  'bad-form': { status: 400, title: 'Form data is not valid' },
  'unknown-queue': { status: 400, title: 'Unknown queue' },
  unauthorized: { status: 401, title: 'Missing or invalid token' },
  forbidden: { status: 403, title: 'Request refused' },
  'not-found': { status: 404, title: 'Not found' },
  'too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'invalid-input': { status: 422, title: 'Input is not valid' },
  'unknown-topic': { status: 422, title: 'Unknown topic' },
  'invalid-filter-query': { status: 422, title: 'Filter query is not valid' },
  'webhook-url-refused': { status: 422, title: 'Webhook URL refused' },
  'webhook-challenge-failed': { status: 422, title: 'Webhook did not answer the challenge' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'not-configured': { status: 503, title: 'Not configured' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ProblemKind = keyof typeof problemKinds;

/** A field at fault: `path` in dotted/bracket form (`topics[1]`, `channel.url`), `message` why. */
export interface ProblemField {
  path: string;
  message: string;
}

/** The JSON body of a problem response (`application/problem+json`). */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: ProblemField[];
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The `type` URI of a kind of problem. */
export function problemType(kind: ProblemKind): string {
  return `urn:news-alerts:problem:${kind}`;
}

/** A request that failed in a way the client should hear about; never retryable. */
export class ProblemError extends NewsAlertsError {
  readonly kind: ProblemKind;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors?: ProblemField[];
  /** Extra response headers (`Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;

  constructor(
    kind: ProblemKind,
    detail: string,
    options: { errors?: ProblemField[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(`${problemKinds[kind].title}: ${detail}`, { retryable: false, cause: options.cause });
    this.kind = kind;
    this.status = problemKinds[kind].status;
    this.title = problemKinds[kind].title;
    this.detail = detail;
    if (options.errors) this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  /** The problem document, with the request path as `instance`. */
  toDocument(instance?: string): ProblemDocument {
    return {
      type: problemType(this.kind),
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

/** `topics[1].id` from a zod issue path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(body)';
}
