import type { StoryFingerprint } from '../records.ts';
import { storyFingerprintSchema } from '../records.ts';
import type { StoreCallContext } from './store-error.ts';
import { checkedFields, isSafeInteger, listOf, readCheckedRow } from '../../core/checked-fields.ts';
import { rememberedRows } from './remembered-rows.ts';
import { parseRow } from './rows.ts';

/**
 * Reading a kept fingerprint back from a story row. A poll reads every candidate story's kept
 * fingerprints (up to a dozen per story, each nineteen fields, most of them lists of words), so
 * zod walking each word was most of a story read. A fingerprint as this version writes it,
 * every field present and well-typed, is checked here in one pass and copied field by field in
 * the schema's order, as zod would return it; anything else (an older row missing a field that
 * has a default, a malformed one) goes to zod, which fills the defaults or reports the issues.
 *
 * A kept fingerprint is written once (`if_not_exists`) and then read by every poll that finds
 * its story a candidate: in the lean bench's run each is read some ten times. The last ones
 * read are remembered by item key, frozen, and a row whose every field equals the remembered
 * one's (each list word for word) gets that very object back: the same value the check and
 * copy would give, and what the matcher built from it on first use (its term set, weights,
 * figures: see `shared/stories/similarity.ts`, kept per fingerprint object) is not built again
 * by the next poll. Equal content is the whole test: a row rewritten with another fingerprint
 * under the same item key (a story expired and founded again) differs in some field and is
 * read afresh.
 */

const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const intIn = (min: number, max: number) => (value: unknown) =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
const strings = listOf((value) => typeof value === 'string');

/**
 * The check of each field of `storyFingerprintSchema` (typed against its fields: see
 * `shared/core/checked-fields.ts`), without its defaults: an absent field goes to zod.
 */
const FIELDS = /* @__PURE__ */ checkedFields(storyFingerprintSchema, {
  tokens: strings,
  title: strings,
  weekdays: listOf(intIn(0, 6)),
  months: listOf(intIn(0, 11)),
  ordinals: strings,
  counts: strings,
  stages: strings,
  changeSizes: listOf(isNumber),
  qualifiers: strings,
  terms: strings,
  titleTerms: strings,
  names: strings,
  titleAnchors: strings,
  anchors: strings,
  frames: strings,
  titleFrames: strings,
  cues: strings,
  at: isSafeInteger,
  dated: (value) => typeof value === 'boolean',
});

/**
 * Fingerprints read last, by item key, compared with a row by their own fields (the row's, checked
 * and copied). A few times a poll's candidates' kept fingerprints; a few KB each with what the
 * matcher builds from one.
 */
const remembered = /* @__PURE__ */ rememberedRows<StoryFingerprint>({ names: FIELDS.names, max: 2048, whenFull: 'drop-least-recent' });

/**
 * A kept fingerprint from a story row (attribute `f:<itemKey>`): what `parseRow(storyFingerprintSchema, …)`
 * returns, faster for current rows and frozen when it is one read before (see above). `context` names
 * the story row; errors name the attribute too.
 */
export function parseFingerprintRow(itemKey: string, value: unknown, context: StoreCallContext): StoryFingerprint {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const row = value as Record<string, unknown>;
    const known = remembered.recall(itemKey, row);
    if (known !== undefined) return known;
    const read = frozenCopy(readCheckedRow(row, FIELDS));
    if (read !== undefined) {
      remembered.remember(itemKey, read, read as unknown as Record<string, unknown>);
      return read;
    }
  }
  return parseRow(storyFingerprintSchema, value, { ...context, key: `${context.key ?? ''} f:${itemKey}` });
}

/** A fingerprint read as checked with its lists copied and frozen, and itself frozen. */
function frozenCopy(read: StoryFingerprint | undefined): StoryFingerprint | undefined {
  if (read === undefined) return undefined;
  const fields = read as unknown as Record<string, unknown>;
  const { names } = FIELDS;
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    const value = fields[name];
    if (Array.isArray(value)) fields[name] = Object.freeze(value.slice());
  }
  return Object.freeze(read);
}
