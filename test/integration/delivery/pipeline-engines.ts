/**
 * Embedded engines for the delivery integration tests: the shared test pipeline
 * (test/helpers/pipeline.ts), with the mailer MAIL_TRANSPORT names unless the test brings one.
 */
import type { QueueName } from '../../../infra/topology.ts';
import type { EnvInput } from '../../../shared/config/env.ts';
import type { PipelineEvent } from '../../../shared/core/events.ts';
import type { Mailer } from '../../../shared/mail/ports.ts';
import type { Deps } from '../../../shared/runtime/deps.ts';
import type { ProvisionedQueues, ProvisionedTables, TestDynalite } from '../../helpers/engines.ts';
import { startTestPipeline } from '../../helpers/pipeline.ts';

export interface PipelineEngines {
  deps: Deps;
  /** Every event the code under test emitted, in order. */
  events: PipelineEvent[];
  queues: ProvisionedQueues;
  tables: ProvisionedTables;
  /** The DynamoDB engine, for tests that write rows as an older version did. */
  dynalite: TestDynalite;
  /** Receives (and deletes) everything currently in a queue, parsed from JSON. */
  drain(queue: QueueName): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function startPipelineEngines(
  options: { mailer?: Mailer; outboxDir?: string; overrides?: Partial<EnvInput> } = {},
): Promise<PipelineEngines> {
  return startTestPipeline({ label: 'delivery', ...options, mailer: options.mailer ?? 'from-env' });
}
