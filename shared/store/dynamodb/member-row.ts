import type { StoryMember } from '../ports.ts';
import { storyMemberSchema } from '../../messages/schemas.ts';
import type { StoreCallContext } from './store-error.ts';
import { parseRow } from './rows.ts';

/**
 * Reading a story member back from a story row. A member is written once (`if_not_exists`) and
 * then read with its story by every poll that finds the story a candidate, each time through zod,
 * whose URL and timestamp checks were most of a story read. A member whose fields are the very
 * ones a previous read validated is the same member: it gets a copy of that result. Anything
 * else goes to zod.
 */

const FIELDS = Object.keys(storyMemberSchema.shape) as (keyof StoryMember)[];

/** Members validated, by item key; emptied when full (a process reads a few thousand). */
const validated = new Map<string, { raw: unknown[]; member: StoryMember }>();
const MAX_VALIDATED = 4096;

/**
 * What `parseRow(storyMemberSchema, …)` returns, without zod for a member read before. `attribute`
 * (the member's attribute in its story row) is added to the context's key in errors.
 */
export function parseMemberRow(value: unknown, context: StoreCallContext, attribute?: string): StoryMember {
  const row = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  const itemKey = row?.itemKey;
  if (row && typeof itemKey === 'string') {
    const known = validated.get(itemKey);
    if (known && sameFields(row, known.raw)) return { ...known.member };
  }
  const member = parseRow(
    storyMemberSchema,
    value,
    attribute === undefined ? context : { ...context, key: `${context.key ?? ''} ${attribute}` },
  );
  if (row && typeof itemKey === 'string') {
    if (validated.size >= MAX_VALIDATED) validated.clear();
    validated.set(itemKey, { raw: FIELDS.map((field) => row[field]), member: { ...member } });
  }
  return member;
}

function sameFields(row: Record<string, unknown>, raw: unknown[]): boolean {
  for (let index = 0; index < FIELDS.length; index++) if (row[FIELDS[index]!] !== raw[index]) return false;
  return true;
}
