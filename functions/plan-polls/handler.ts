import { readEnv } from '../../shared/config/env.ts';
import { planPolls, type PlanPollsSummary } from '../../shared/feeds/index.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { createScheduledHandler, type ScheduledHandler } from '../../shared/runtime/scheduled-handler.ts';
import { feedStore } from '../../shared/runtime/store-factories.ts';

/**
 * Real time one run plans for (the function's timeout is 30 s): no count of feeds caps a run,
 * only this and the SQS send rate; what is left is due on the next run, most overdue first.
 */
export const PLAN_BUDGET_MS = 20_000;

export type PlanPollsHandler = ScheduledHandler<PlanPollsSummary>;

/** plan-polls (schedule): enqueues one poll message per due feed. The event carries nothing we use. */
export function createHandler(deps: Deps): PlanPollsHandler {
  return createScheduledHandler(deps, async function planPollsHandler() {
    return planPolls({ feeds: deps.feeds, queue: deps.queue, clock: deps.clock, log: deps.log }, { budgetMs: PLAN_BUDGET_MS });
  });
}

/** The stores over the tables plan-polls may use (`access.tables` in infra/topology.ts): its bundle holds no other. */
const stores = { feeds: feedStore };

let cached: PlanPollsHandler | undefined;
export const handler: PlanPollsHandler = (event, context) => (cached ??= createHandler(createDeps(readEnv(), { stores })))(event, context);
