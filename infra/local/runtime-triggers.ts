/**
 * The topology's triggers wired to the handlers as AWS would drive them: an SQS event-source
 * loop per queue trigger, timers for schedules, the functions told of SES feedback, and the TTL
 * sweeper standing in for DynamoDB TTL. (The http trigger is the API server's: `runtime-api.ts`.)
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { Clock } from '../../shared/core/clock.ts';
import type { Log } from '../../shared/core/logger.ts';
import { topology, type EmailFeedbackEvent, type FunctionName, type FunctionSpec, type QueueName, type TableName } from '../topology.ts';
import { localRegion } from './engines.ts';
import { createEventSourceLoop, type EventSourceLoop, type SqsBatchHandler } from './event-source-loop.ts';
import type { HandlerMap } from './handler-loading.ts';
import { createInvocationContext } from './invocation-context.ts';
import type { ProvisionedQueues, ProvisionedTables } from './provision.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { createTtlSweeper, type TtlSweeper } from './ttl-sweeper.ts';
import type { SqsClient } from '../../shared/queue/sqs/sqs-client.ts';
import type { DynamoDbClient } from '../../shared/store/dynamodb/index.ts';

/** How the runtime wired the topology's triggers, for status output and the topology test. */
export interface LocalWiring {
  consumers: { function: FunctionName; queue: QueueName; queueUrl: string; batchSize: number; timeoutSeconds: number }[];
  schedules: { function: FunctionName; everyMinutes: number; enabled: boolean }[];
  http: { function: FunctionName; url: string }[];
  /** Functions told of SES feedback, with the events each is told of. */
  emailFeedback: { function: FunctionName; events: EmailFeedbackEvent[] }[];
  ttlTables: { table: TableName; tableName: string; ttlAttribute: string }[];
}

/** The topology's functions with a trigger of this kind, in topology order. */
export function functionsWithTrigger(kind: FunctionSpec['trigger']['kind']): [FunctionName, FunctionSpec][] {
  return (Object.entries(topology.functions) as [FunctionName, FunctionSpec][]).filter(([, spec]) => spec.trigger.kind === kind);
}

/** One event-source loop (not started) per queue-triggered function, and their wiring. */
export function wireQueueTriggers(options: {
  sqs: SqsClient;
  queues: ProvisionedQueues;
  handlers: HandlerMap;
  log: Log;
  waitTimeSeconds?: number;
}): { loops: Map<FunctionName, EventSourceLoop>; consumers: LocalWiring['consumers'] } {
  const loops = new Map<FunctionName, EventSourceLoop>();
  const consumers: LocalWiring['consumers'] = [];
  for (const [name, spec] of Object.entries(topology.functions) as [FunctionName, FunctionSpec][]) {
    const trigger = spec.trigger;
    if (trigger.kind !== 'queue') continue;
    const queue = options.queues[trigger.queue];
    // A batching window is not emulated: a batch is what one receive returns (the topology's
    // windows are 0, where Lambda does the same).
    loops.set(
      name,
      createEventSourceLoop({
        functionName: name,
        client: options.sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        batchSize: trigger.batchSize,
        handler: options.handlers.get(name) as SqsBatchHandler,
        log: options.log,
        waitTimeSeconds: options.waitTimeSeconds,
        timeoutSeconds: spec.timeoutSeconds,
        memoryMb: spec.memoryMb,
      }),
    );
    consumers.push({
      function: name,
      queue: trigger.queue,
      queueUrl: queue.url,
      batchSize: trigger.batchSize,
      timeoutSeconds: spec.timeoutSeconds,
    });
  }
  return { loops, consumers };
}

/** A scheduler (not started) for the schedule-triggered functions, and their wiring. */
export function wireScheduleTriggers(options: {
  handlers: HandlerMap;
  log: Log;
  /** Whether the timers will run; recorded in the wiring. */
  enabled: boolean;
}): { scheduler: Scheduler; schedules: LocalWiring['schedules'] } {
  const schedules: LocalWiring['schedules'] = [];
  const scheduler = createScheduler(
    functionsWithTrigger('schedule').map(([name, spec]) => {
      const everyMinutes = spec.trigger.kind === 'schedule' ? spec.trigger.everyMinutes : 0;
      schedules.push({ function: name, everyMinutes, enabled: options.enabled });
      const handler = options.handlers.get(name) as (event: ScheduledEvent, context: unknown) => unknown;
      return {
        name,
        everyMinutes,
        run: async () => handler(scheduledEvent(name), createInvocationContext(name, spec.timeoutSeconds, spec.memoryMb)),
      };
    }),
    options.log,
  );
  return { scheduler, schedules };
}

/** The functions with an `email-feedback` trigger and the events each is told of. */
export function emailFeedbackTargets(): LocalWiring['emailFeedback'] {
  const targets: LocalWiring['emailFeedback'] = [];
  for (const [name, spec] of functionsWithTrigger('email-feedback')) {
    if (spec.trigger.kind === 'email-feedback') targets.push({ function: name, events: [...spec.trigger.events] });
  }
  return targets;
}

/** A TTL sweeper (not started) over the tables with a TTL attribute, and their wiring. */
export function wireTtlSweeper(options: {
  client: DynamoDbClient;
  tables: ProvisionedTables;
  log: Log;
  clock: Clock;
  intervalMs?: number;
}): { sweeper: TtlSweeper; ttlTables: LocalWiring['ttlTables'] } {
  const ttlTables = (Object.entries(topology.tables) as [TableName, (typeof topology.tables)[TableName]][]).flatMap(([table, spec]) =>
    spec.ttlAttribute
      ? [{ table, tableName: options.tables[table], ttlAttribute: spec.ttlAttribute, keyAttributes: keyAttributes(spec) }]
      : [],
  );
  const sweeper = createTtlSweeper({
    client: options.client,
    tables: ttlTables,
    log: options.log,
    clock: options.clock,
    intervalMs: options.intervalMs,
  });
  return { sweeper, ttlTables: ttlTables.map(({ table, tableName, ttlAttribute }) => ({ table, tableName, ttlAttribute })) };
}

function keyAttributes(spec: { partitionKey: string; sortKey?: string }): string[] {
  return spec.sortKey ? [spec.partitionKey, spec.sortKey] : [spec.partitionKey];
}

/** The event an EventBridge rule sends a scheduled function. */
function scheduledEvent(name: FunctionName): ScheduledEvent {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: localRegion,
    resources: [`arn:aws:events:${localRegion}:000000000000:rule/${name}`],
    detail: {},
  };
}
