import * as z from '../../core/zod.ts';
import { checkedFields, isFilled, isSafeInteger, isStringSet, readCheckedRow, startsWith } from '../../core/checked-fields.ts';
import { parseRow } from './rows.ts';
import type { StoreCallContext } from './store-error.ts';

/**
 * The fixed attributes of the stories table's rows (see `createDynamoDbStoryStore`), and the
 * fast paths a poll reads them with by the hundred (story heads, alerted rows, index heads):
 * a well-formed row is checked field by field without zod (see `shared/core/checked-fields.ts`), anything else
 * goes to zod, which names the issue. zod's walk of each schema was about a third of reading a
 * story row.
 */

/** The partition key of an item's place: its story's head (founder) or a pointer to it (member). */
export const STORY_PREFIX = 'story#';
const ALERTED_PREFIX = 'alerted#';
const INDEX_PREFIX = 'key#';

/** The fixed attributes of a story row; members and fingerprints are validated one by one. */
export const storyHeadSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    storyKey: z.string().check(z.startsWith(STORY_PREFIX)),
    storyId: z.string().check(z.minLength(1)),
    createdAt: z.string().check(z.minLength(1)),
    lastAt: z.number().check(z.int()),
    expiresAt: z.number().check(z.int()),
    unlistedMembers: z.optional(z.number().check(z.int(), z.minimum(0))),
    alertedTopics: z.optional(z.set(z.string())),
  }),
);

/** An item's place in another story. */
export const pointerRowSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    storyKey: z.string().check(z.startsWith(STORY_PREFIX)),
    storyId: z.string().check(z.minLength(1)),
    role: z.literal('member'),
    expiresAt: z.number().check(z.int()),
  }),
);

/** The topics a story's alerts were queued for. */
export const alertedRowSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    storyKey: z.string().check(z.startsWith(ALERTED_PREFIX)),
    topics: z.set(z.string()),
    expiresAt: z.number().check(z.int()),
  }),
);

/** The fixed attributes of a lookup key's row; its postings (`s:<storyId>`) are read one by one. */
export const indexHeadSchema = /* @__PURE__ */ z.pure(() =>
  z.object({
    storyKey: z.string().check(z.startsWith(INDEX_PREFIX)),
    expiresAt: z.number().check(z.int()),
  }),
);

const STORY_HEAD = /* @__PURE__ */ checkedFields(storyHeadSchema, {
  storyKey: startsWith(STORY_PREFIX),
  storyId: isFilled,
  createdAt: isFilled,
  lastAt: isSafeInteger,
  expiresAt: isSafeInteger,
  unlistedMembers: (value) => isSafeInteger(value) && value >= 0,
  alertedTopics: isStringSet,
});

const ALERTED_ROW = /* @__PURE__ */ checkedFields(alertedRowSchema, {
  storyKey: startsWith(ALERTED_PREFIX),
  topics: isStringSet,
  expiresAt: isSafeInteger,
});

const INDEX_HEAD = /* @__PURE__ */ checkedFields(indexHeadSchema, {
  storyKey: startsWith(INDEX_PREFIX),
  expiresAt: isSafeInteger,
});

/** `parseRow(storyHeadSchema, …)`, without zod for a well-formed head. */
export function parseStoryHead(raw: Record<string, unknown>, context: StoreCallContext): z.infer<typeof storyHeadSchema> {
  return readCheckedRow(raw, STORY_HEAD) ?? parseRow(storyHeadSchema, raw, context);
}

/** `parseRow(alertedRowSchema, …)`, without zod for a well-formed row. */
export function parseAlertedRow(raw: Record<string, unknown>, context: StoreCallContext): z.infer<typeof alertedRowSchema> {
  return readCheckedRow(raw, ALERTED_ROW) ?? parseRow(alertedRowSchema, raw, context);
}

/** `parseRow(indexHeadSchema, …)`, without zod for a well-formed head. */
export function parseIndexHead(raw: Record<string, unknown>, context: StoreCallContext): z.infer<typeof indexHeadSchema> {
  return readCheckedRow(raw, INDEX_HEAD) ?? parseRow(indexHeadSchema, raw, context);
}
