import type { StoryMember } from '../ports.ts';
import { storyMemberSchema } from '../../messages/schemas.ts';
import type { StoreCallContext } from './store-error.ts';
import { rememberedRows } from './remembered-rows.ts';
import { parseRow } from './rows.ts';

/**
 * Reading a story member back from a story row. A member is written once (`if_not_exists`) and
 * then read with its story by every poll that finds the story a candidate, each time through zod,
 * whose URL and timestamp checks were most of a story read. A member whose fields are the very
 * ones a previous read validated is the same member: it gets a copy of that result. Anything
 * else goes to zod.
 */

const FIELDS = Object.keys(storyMemberSchema.shape);

/** Members validated, by item key, with the fields they were read from; emptied when full (a process reads a few thousand). */
const validated = /* @__PURE__ */ rememberedRows<StoryMember>({ names: FIELDS, max: 4096, whenFull: 'drop-all' });

/**
 * What `parseRow(storyMemberSchema, …)` returns, without zod for a member read before. `attribute`
 * (the member's attribute in its story row) is added to the context's key in errors.
 */
export function parseMemberRow(value: unknown, context: StoreCallContext, attribute?: string): StoryMember {
  const row = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  const itemKey = row?.itemKey;
  if (row && typeof itemKey === 'string') {
    const known = validated.recall(itemKey, row);
    if (known) return { ...known };
  }
  const member = parseRow(
    storyMemberSchema,
    value,
    attribute === undefined ? context : { ...context, key: `${context.key ?? ''} ${attribute}` },
  );
  if (row && typeof itemKey === 'string') validated.remember(itemKey, { ...member }, fieldsOf(row));
  return member;
}

/** The compared fields of a row as they are now (the row itself could change later). */
function fieldsOf(row: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let index = 0; index < FIELDS.length; index++) fields[FIELDS[index]!] = row[FIELDS[index]!];
  return fields;
}
