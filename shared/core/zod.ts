/**
 * The zod our shared code validates with: `zod/mini`, zod's tree-shakable functional build
 * (`z.optional(z.string().check(z.minLength(1)))`), so a Lambda bundle holds only the schema
 * types and checks it uses (about 25 KiB, where the full build is 440 KiB). Importing this module
 * also loads zod's English messages, which `zod/mini` leaves out, so every issue reads as it did
 * with the full build ("Too small: expected string to have >=3 characters"). This module's one
 * side effect is declared in package.json's `sideEffects`, so bundlers keep it.
 *
 * The CLI, infra and scripts may use the full `zod`; both share zod's core and its types
 * (`z.infer`, `z.core.$ZodType`).
 */
import { config, ZodMiniISODateTime, ZodMiniNumber } from 'zod/mini';
import { _coercedNumber, _isoDateTime, type $ZodISODateTimeParams, type $ZodNumberParams } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

// `z.coerce.number()` and `z.iso.datetime()` under names of their own: a bundle that reads a
// member of the `z.coerce` or `z.iso` namespace keeps all of it (coerced bigint, boolean and
// date; ISO date, time and duration), about 4 KB of schema types nothing here uses.

/** `z.coerce.number()`: a number from any input (`Number(input)`), as environment variables need. */
// @__NO_SIDE_EFFECTS__
export function coercedNumber(params?: string | $ZodNumberParams): ZodMiniNumber<unknown> {
  return _coercedNumber(ZodMiniNumber, params) as ZodMiniNumber<unknown>;
}

/** `z.iso.datetime()`: an ISO 8601 date-time string. */
// @__NO_SIDE_EFFECTS__
export function isoDateTime(params?: string | $ZodISODateTimeParams): ZodMiniISODateTime {
  return _isoDateTime(ZodMiniISODateTime, params);
}

/**
 * `define()`, for a module-level schema that has a check anywhere inside:
 * `export const x = /* @__PURE__ *\/ z.pure(() => z.object({ … }))`. Marked pure, the call is
 * dropped from a bundle that never uses `x`, and with it the zod types only `x` needs; unmarked, a
 * schema stays in every bundle that imports its module (a `.check()` is a method call, which
 * esbuild must keep, and zod's own marks do not reach through this module's re-export), so
 * poll-feed carried the subscriber and delivery schemas with the email, record and union types
 * they need. A schema without a check takes the mark alone:
 * `export const y = /* @__PURE__ *\/ z.enum([…])`.
 */
export function pure<T>(define: () => T): T {
  return define();
}
