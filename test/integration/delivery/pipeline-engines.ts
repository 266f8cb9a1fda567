/**
 * Embedded engines for the delivery integration tests: dynalite and fauxqs in this process, the
 * topology's tables and queues under a fresh prefix, and `createDeps` pointed at them, so the
 * domain functions run against the real DynamoDB and SQS adapters.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { buildLocalEnv } from '../../../infra/local/local-env.ts';
import type { QueueName } from '../../../infra/topology.ts';
import type { EnvInput } from '../../../shared/config/env.ts';
import type { Mailer } from '../../../shared/mail/ports.ts';
import { createDeps } from '../../../shared/runtime/create-deps.ts';
import type { Deps } from '../../../shared/runtime/deps.ts';
import type { PipelineEvent } from '../../../shared/runtime/events.ts';
import { silentLog } from '../../../shared/runtime/logger.ts';
import {
  createQueues,
  createTables,
  localCredentials,
  localRegion,
  startDynalite,
  startFauxqs,
  uniquePrefix,
  type ProvisionedQueues,
} from '../../helpers/engines.ts';

export interface PipelineEngines {
  deps: Deps;
  /** Every event the code under test emitted, in order. */
  events: PipelineEvent[];
  queues: ProvisionedQueues;
  /** Receives (and deletes) everything currently in a queue, parsed from JSON. */
  drain(queue: QueueName): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function startPipelineEngines(
  options: { mailer?: Mailer; outboxDir?: string; overrides?: Partial<EnvInput> } = {},
): Promise<PipelineEngines> {
  const dynalite = await startDynalite();
  const fauxqs = await startFauxqs();
  const sqs = fauxqs.client;
  const prefix = uniquePrefix('delivery');
  const tables = await createTables(dynalite.client, prefix);
  const queues = await createQueues(sqs, { prefix });
  const env = buildLocalEnv({
    tables,
    queues,
    outboxDir: options.outboxDir ?? '/nonexistent-outbox',
    publicBaseUrl: 'http://127.0.0.1:1',
    allowPrivateNetwork: true,
    overrides: { LOG_LEVEL: 'SILENT', ...options.overrides },
  });
  const events: PipelineEvent[] = [];
  const deps = createDeps(env, {
    dynamodbEndpoint: dynalite.endpoint,
    sqsEndpoint: fauxqs.endpoint,
    region: localRegion,
    credentials: localCredentials,
    log: silentLog,
    events: { emit: (event) => events.push(event) },
    ...(options.mailer ? { mailer: options.mailer } : {}),
  });

  async function drain(queue: QueueName): Promise<unknown[]> {
    const bodies: unknown[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues[queue].url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return bodies;
      bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? 'null')));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queues[queue].url,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  }

  return {
    deps,
    events,
    queues,
    drain,
    async stop() {
      await Promise.all([dynalite.stop(), fauxqs.stop()]);
    },
  };
}
