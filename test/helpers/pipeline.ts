/**
 * The pipeline's dependencies over embedded engines, for integration tests: dynalite and fauxqs in
 * this process, the topology's tables and queues under a fresh prefix, the local `Env`, and
 * `createDeps` pointed at them with the test's clock, collected events and mailer.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { buildLocalEnv } from '../../infra/local/local-env.ts';
import type { QueueName } from '../../infra/topology.ts';
import type { Env, EnvInput } from '../../shared/config/env.ts';
import type { Clock } from '../../shared/core/clock.ts';
import type { PipelineEvent } from '../../shared/core/events.ts';
import { silentLog } from '../../shared/core/logger.ts';
import type { Mailer } from '../../shared/mail/ports.ts';
import { createDeps } from '../../shared/runtime/create-deps.ts';
import { createMailingDeps } from '../../shared/runtime/create-mailing-deps.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { everyStore } from '../../shared/runtime/store-factories.ts';
import {
  createQueues,
  createTables,
  localCredentials,
  localRegion,
  startDynalite,
  startFauxqs,
  uniquePrefix,
  type ProvisionedQueues,
  type ProvisionedTables,
  type TestDynalite,
  type TestFauxqs,
} from './engines.ts';

export interface TestPipelineOptions {
  /** Prefix label of the tables and queues. */
  label: string;
  clock?: Clock;
  /** Defaults to a mailer that refuses; `from-env` lets createMailingDeps choose by MAIL_TRANSPORT. */
  mailer?: Mailer | 'from-env';
  outboxDir?: string;
  overrides?: Partial<EnvInput>;
}

export interface TestPipeline {
  deps: Deps;
  env: Env;
  dynalite: TestDynalite;
  /** The SQS engine, for tests that receive from queues themselves. */
  fauxqs: TestFauxqs;
  tables: ProvisionedTables;
  queues: ProvisionedQueues;
  /** Every event the code under test emitted, in order. */
  events: PipelineEvent[];
  /** Receives (and deletes) everything currently in a queue, parsed from JSON. */
  drain(queue: QueueName): Promise<unknown[]>;
  stop(): Promise<void>;
}

const refusingMailer: Mailer = {
  async send() {
    throw new Error('this test sends no mail');
  },
};

export async function startTestPipeline(options: TestPipelineOptions): Promise<TestPipeline> {
  const [dynalite, fauxqs] = await Promise.all([startDynalite(), startFauxqs()]);
  const prefix = uniquePrefix(options.label);
  const tables = await createTables(dynalite.documents, prefix);
  const queues = await createQueues(fauxqs.queues, { prefix });
  const env = buildLocalEnv({
    tables,
    queues,
    outboxDir: options.outboxDir ?? '/nonexistent-outbox',
    publicBaseUrl: 'http://127.0.0.1:1',
    allowPrivateNetwork: true,
    overrides: { LOG_LEVEL: 'SILENT', ITEM_RETENTION_DAYS: '30', ...options.overrides },
  });
  const events: PipelineEvent[] = [];
  const build = options.mailer === 'from-env' ? createMailingDeps : createDeps;
  const deps = build(env, {
    stores: everyStore,
    dynamodbEndpoint: dynalite.endpoint,
    sqsEndpoint: fauxqs.endpoint,
    region: localRegion,
    credentials: localCredentials,
    log: silentLog,
    events: { emit: (event) => events.push(event) },
    ...(options.mailer === 'from-env' ? {} : { mailer: options.mailer ?? refusingMailer }),
    ...(options.clock ? { clock: options.clock } : {}),
  });

  async function drain(queue: QueueName): Promise<unknown[]> {
    const bodies: unknown[] = [];
    const queueUrl = queues[queue].url;
    for (let round = 0; round < 1000; round++) {
      const { Messages = [] } = await fauxqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) break;
      bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? 'null')));
      await fauxqs.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return bodies;
  }

  return {
    deps,
    env,
    dynalite,
    fauxqs,
    tables,
    queues,
    events,
    drain,
    async stop() {
      await Promise.all([dynalite.stop(), fauxqs.stop()]);
    },
  };
}
