import { readEnv } from '../../shared/config/env.ts';
import { sendDueDigests, type SendDigestsSummary } from '../../shared/digest/index.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createScheduledHandler, type ScheduledHandler } from '../../shared/runtime/scheduled-handler.ts';

export type SendDigestsHandler = ScheduledHandler<SendDigestsSummary>;

/** Digests handled per run (every 5 minutes); the rest stay due for the next run, oldest first. */
export const DIGESTS_PER_RUN = 200;

/** send-digests (schedule): queues one email per subscriber channel whose digest is due. */
export function createHandler(deps: Deps): SendDigestsHandler {
  return createScheduledHandler(deps, async function sendDigestsHandler() {
    return sendDueDigests(
      // The story store gives each story's members as of sending ("also reported by").
      {
        digests: deps.digests,
        subscriptions: deps.subscriptions,
        queue: deps.queue,
        stories: deps.stories,
        clock: deps.clock,
        log: deps.log,
        events: deps.events,
      },
      { maxDigests: DIGESTS_PER_RUN },
    );
  });
}

let cached: SendDigestsHandler | undefined;
export const handler: SendDigestsHandler = (event, context) => (cached ??= createHandler(createDeps(readEnv())))(event, context);
