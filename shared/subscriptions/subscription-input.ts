import * as z from '../core/zod.ts';
import { checkFilterQuery, FilterQueryError, MAX_QUERY_LENGTH } from '../classify/index.ts';
import { formatIssuePath, ProblemError, type ProblemField } from '../core/problem.ts';
import { emailAddressSchema } from '../messages/schemas.ts';
import { cadenceSchema, timeZoneSchema, weekdaySchema } from '../store/records.ts';

/**
 * What a client may send to create or change a subscription (the JSON API and the forms map to
 * these), with strict limits: unknown fields are refused, every string and list is bounded.
 */

export const MAX_TOPICS = 20;
export const MAX_URL_LENGTH = 2048;

const topicIdSchema = z.string().check(z.minLength(1), z.maxLength(64));
const filterSchema = z.pipe(
  z.string().check(z.maxLength(MAX_QUERY_LENGTH)),
  z.transform((value) => value.trim()),
);

export const emailChannelInputSchema = z.strictObject({
  kind: z.literal('email'),
  address: emailAddressSchema,
});

export const webhookChannelInputSchema = z.strictObject({
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/ }).check(z.maxLength(MAX_URL_LENGTH)),
  /** `slack` for a Slack incoming webhook (https://hooks.slack.com/services/…, recognised anyway); refused for other URLs. */
  format: z._default(z.enum(['json', 'slack']), 'json'),
});

const preferenceFields = {
  topics: z.array(topicIdSchema).check(z.minLength(1), z.maxLength(MAX_TOPICS)),
  /** Keyword filter in the classifier's query syntax; empty means none. */
  filter: z.optional(filterSchema),
  minScore: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  /** Email only: `instant`, or a digest `hourly` / `daily` / `weekly`. Webhooks are instant. */
  cadence: z._default(cadenceSchema, 'instant'),
  deliveryHour: z.optional(z.int().check(z.minimum(0), z.maximum(23))),
  timeZone: z.optional(timeZoneSchema),
  weeklyDay: z.optional(weekdaySchema),
};

/** `POST /api/subscriptions` */
export const createSubscriptionSchema = z.strictObject({
  channel: z.discriminatedUnion('kind', [emailChannelInputSchema, webhookChannelInputSchema]),
  ...preferenceFields,
});
export type CreateSubscriptionInput = z.infer<typeof createSubscriptionSchema>;

/** `PATCH /api/subscription`: any of the preferences, and `state` to pause or resume. */
export const updateSubscriptionSchema = z
  .strictObject({
    topics: z.optional(preferenceFields.topics),
    /** A query, or `null` / empty to remove the filter. */
    filter: z.optional(z.nullable(filterSchema)),
    minScore: preferenceFields.minScore,
    cadence: z.optional(cadenceSchema),
    deliveryHour: preferenceFields.deliveryHour,
    timeZone: preferenceFields.timeZone,
    weeklyDay: preferenceFields.weeklyDay,
    state: z.optional(z.enum(['active', 'paused'])),
  })
  .check(z.refine((value) => Object.keys(value).length > 0, { message: 'name at least one field to change' }));
export type UpdateSubscriptionInput = z.infer<typeof updateSubscriptionSchema>;

/** Parses `value` with `schema`, or throws an `invalid-input` problem listing every field at fault. */
export function parseInput<T>(schema: z.core.$ZodType<T>, value: unknown): T {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const errors: ProblemField[] = result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
  const summary = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  throw new ProblemError('invalid-input', summary, { errors });
}

/** Every topic must exist: an `unknown-topic` problem names each one that does not. */
export function checkTopics(topics: readonly string[], knownTopicIds: readonly string[], path = 'topics'): void {
  const known = new Set(knownTopicIds);
  const errors = topics.flatMap((topic, i) =>
    known.has(topic) ? [] : [{ path: `${path}[${i}]`, message: `unknown topic "${topic}" (known: ${knownTopicIds.join(', ')})` }],
  );
  if (errors.length > 0) throw new ProblemError('unknown-topic', errors.map((e) => e.message).join('; '), { errors });
}

/** The filter must compile: an `invalid-filter-query` problem says where it does not. */
export function checkFilter(filter: string | undefined | null, path = 'filter'): void {
  if (!filter) return;
  try {
    checkFilterQuery(filter);
  } catch (error) {
    if (!(error instanceof FilterQueryError)) throw error;
    throw new ProblemError('invalid-filter-query', error.message, { errors: [{ path, message: error.message }] });
  }
}

/** Digests are sent by email only. */
export function checkCadenceForChannel(kind: 'email' | 'webhook', cadence: string | undefined, path = 'cadence'): void {
  if (kind === 'webhook' && cadence !== undefined && cadence !== 'instant') {
    const message = `webhooks get each story at once: cadence must be instant, not ${cadence} (digests are sent by email)`;
    throw new ProblemError('invalid-input', message, { errors: [{ path, message }] });
  }
}
