import { readEnv } from '../../shared/config/env.ts';
import { type QueueDueDigestsSummary, queueDueDigests } from '../../shared/digest/index.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createScheduledHandler, type ScheduledHandler } from '../../shared/runtime/scheduled-handler.ts';
import { digestStore } from '../../shared/runtime/store-factories.ts';

export type SendDigestsHandler = ScheduledHandler<QueueDueDigestsSummary>;

/**
 * Real time one run queues for (the function's timeout is 60 s): no count of digests caps a run,
 * only this and the SQS send rate; compose-digest consumers send them in parallel.
 */
export const DIGEST_QUEUE_BUDGET_MS = 40_000;

/** send-digests (schedule): queues one digest-due message per subscriber channel whose digest is due. */
export function createHandler(deps: Deps): SendDigestsHandler {
  return createScheduledHandler(deps, async function sendDigestsHandler() {
    return queueDueDigests(
      { digests: deps.digests, queue: deps.queue, clock: deps.clock, log: deps.log },
      { budgetMs: DIGEST_QUEUE_BUDGET_MS },
    );
  });
}

/** The stores over the tables send-digests may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { digests: digestStore };

let cached: SendDigestsHandler | undefined;
export const handler: SendDigestsHandler = (event, context) =>
  (cached ??= createHandler(createDeps(readEnv(), { stores })))(event, context);
