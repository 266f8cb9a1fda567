/**
 * Embedded engines for the feed integration tests: the shared test pipeline
 * (test/helpers/pipeline.ts) with a clock the test moves and an event list it reads.
 */
import type { QueueName } from '../../../infra/topology.ts';
import type { Clock } from '../../../shared/core/clock.ts';
import type { PipelineEvent } from '../../../shared/core/events.ts';
import type { Deps } from '../../../shared/runtime/deps.ts';
import { startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';

export interface TestClock extends Clock {
  set(iso: string): void;
  advanceMinutes(minutes: number): void;
}

export function createTestClock(start: string): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (iso) => (current = new Date(iso).getTime()),
    advanceMinutes: (minutes) => (current += minutes * 60_000),
  };
}

export interface FeedEngines {
  deps: Deps;
  clock: TestClock;
  events: PipelineEvent[];
  /** Receives (and deletes) everything currently in a queue, parsed from JSON. */
  drain(queue: QueueName): Promise<unknown[]>;
  /** The SQS engine and the queues, for tests that receive messages themselves. */
  fauxqs: TestPipeline['fauxqs'];
  queues: TestPipeline['queues'];
  stop(): Promise<void>;
}

export async function startFeedEngines(): Promise<FeedEngines> {
  const clock = createTestClock('2030-01-01T00:00:00.000Z');
  const pipeline = await startTestPipeline({ label: 'feeds', clock });
  return { ...pipeline, clock };
}
