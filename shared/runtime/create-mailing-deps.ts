import type { Env } from '../config/env.ts';
import { createDeps, type CreateDepsOptions } from './create-deps.ts';
import { createMailer } from './create-mailer.ts';
import type { Deps } from './deps.ts';

/**
 * `createDeps` with the mail transport `MAIL_TRANSPORT` names (unless `options.mailer`), for
 * the functions that send mail (deliver-email, http-api) and the one-process runtime. Kept
 * apart from `createDeps` so that the bundles of the functions that send none hold no mail code.
 */
export function createMailingDeps(env: Env, options: CreateDepsOptions): Deps {
  return createDeps(env, { ...options, mailer: options.mailer ?? createMailer(env) });
}
