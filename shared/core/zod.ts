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
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
