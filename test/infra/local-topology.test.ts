/**
 * The local half of "one topology, two runtimes": the tables, queues and triggers the local
 * runtime creates must be exactly those of infra/topology.ts (the CDK half is
 * topology-equality.test.ts). Handlers are stand-ins: this is about wiring, not the pipeline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ListQueuesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type HandlerFactory, type LocalRuntime } from '../../infra/local/runtime.ts';
import { topology, type FunctionName, type FunctionSpec, type QueueName, type TableName, type TableSpec } from '../../infra/topology.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { localCredentials, localRegion } from '../helpers/engines.ts';

const functions = Object.entries(topology.functions) as [FunctionName, FunctionSpec][];

describe('local runtime wiring equals infra/topology.ts', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let dynamodb: DynamoDBClient;
  let sqs: SQSClient;
  const received: { function: FunctionName; bodies: string[] }[] = [];
  const scheduledRuns: FunctionName[] = [];
  const feedbackReceived: { function: FunctionName; messages: string[] }[] = [];

  /** A stand-in for every function, recording what reaches it. */
  function standIn(name: FunctionName, spec: FunctionSpec): HandlerFactory {
    return () => {
      switch (spec.trigger.kind) {
        case 'queue':
          return async (event: SQSEvent) => {
            received.push({ function: name, bodies: event.Records.map((r) => r.body) });
          };
        case 'schedule':
          return async () => {
            scheduledRuns.push(name);
            return { function: name };
          };
        case 'http':
          return async () => ({ statusCode: 200, body: name });
        case 'email-feedback':
          return async (event: SNSEvent) => {
            feedbackReceived.push({ function: name, messages: event.Records.map((r) => r.Sns.Message) });
            return { function: name };
          };
      }
    };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'news-alerts-topology-'));
    runtime = await startLocalRuntime({
      dataDir,
      inMemory: true,
      apiPort: 0,
      schedules: false,
      log: silentLog,
      handlers: Object.fromEntries(functions.map(([name, spec]) => [name, standIn(name, spec)])),
    });
    const config = { region: localRegion, credentials: localCredentials };
    dynamodb = new DynamoDBClient({ ...config, endpoint: runtime.endpoints.dynamodb });
    sqs = new SQSClient({ ...config, endpoint: runtime.endpoints.sqs });
  });

  afterAll(async () => {
    dynamodb?.destroy();
    sqs?.destroy();
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates exactly the topology tables, with their keys and indexes', async () => {
    const { TableNames = [] } = await dynamodb.send(new ListTablesCommand({}));
    expect(TableNames.sort()).toEqual(Object.values(runtime.tables).sort());
    for (const [table, spec] of Object.entries(topology.tables) as [TableName, TableSpec][]) {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: runtime.tables[table] }));
      expect(Table?.KeySchema, table).toEqual(keySchema(spec.partitionKey, spec.sortKey));
      const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
        name: index.IndexName,
        keys: index.KeySchema,
        projection: index.Projection?.ProjectionType,
      }));
      expect(indexes, table).toEqual(
        spec.indexes.map((index) => ({ name: index.name, keys: keySchema(index.partitionKey, index.sortKey), projection: 'ALL' })),
      );
    }
  });

  it('sweeps exactly the tables that have a TTL attribute', () => {
    const expected = (Object.entries(topology.tables) as [TableName, TableSpec][])
      .filter(([, spec]) => spec.ttlAttribute)
      .map(([table, spec]) => ({ table, tableName: runtime.tables[table], ttlAttribute: spec.ttlAttribute }));
    expect(runtime.wiring.ttlTables).toEqual(expected);
  });

  it('creates every queue with its DLQ, visibility timeout, maxReceiveCount and DLQ retention', async () => {
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
    const queueNames = Object.keys(topology.queues) as QueueName[];
    expect(QueueUrls).toHaveLength(queueNames.length * 2);
    for (const queue of queueNames) {
      const spec = topology.queues[queue];
      const provisioned = runtime.queues[queue];
      const main = await attributes(provisioned.url);
      expect(Number(main.VisibilityTimeout), queue).toBe(spec.visibilityTimeoutSeconds);
      expect(JSON.parse(main.RedrivePolicy ?? '{}'), queue).toEqual({
        deadLetterTargetArn: provisioned.dlqArn,
        maxReceiveCount: spec.maxReceiveCount,
      });
      const dlq = await attributes(provisioned.dlqUrl);
      expect(Number(dlq.MessageRetentionPeriod), queue).toBe(spec.dlqRetentionSeconds);
      expect(dlq.RedrivePolicy, queue).toBeUndefined();
    }
  });

  it('puts each queue-triggered function on its queue with its batch size, and no other', () => {
    const expected = functions.flatMap(([name, spec]) =>
      spec.trigger.kind === 'queue'
        ? [{ function: name, queue: spec.trigger.queue, batchSize: spec.trigger.batchSize, timeoutSeconds: spec.timeoutSeconds }]
        : [],
    );
    expect(runtime.wiring.consumers.map(({ queueUrl: _, ...rest }) => rest)).toEqual(expected);
    for (const consumer of runtime.wiring.consumers) expect(consumer.queueUrl).toBe(runtime.queues[consumer.queue].url);
  });

  it('delivers a message on each queue to the function the topology puts on it', async () => {
    // Act
    for (const consumer of runtime.wiring.consumers) {
      await sqs.send(new SendMessageCommand({ QueueUrl: runtime.queues[consumer.queue].url, MessageBody: `to-${consumer.queue}` }));
    }
    await runtime.waitForIdle({ timeoutMs: 20_000 });

    // Assess
    const expected = functions.flatMap(([name, spec]) =>
      spec.trigger.kind === 'queue' ? [{ function: name, bodies: [`to-${spec.trigger.queue}`] }] : [],
    );
    const byFunction = (a: { function: string }, b: { function: string }) => a.function.localeCompare(b.function);
    expect([...received].sort(byFunction)).toEqual(expected.sort(byFunction));
  });

  it('registers the schedule triggers with their intervals, runnable on demand', async () => {
    const expected = functions.flatMap(([name, spec]) =>
      spec.trigger.kind === 'schedule' ? [{ function: name, everyMinutes: spec.trigger.everyMinutes, enabled: false }] : [],
    );
    expect(runtime.wiring.schedules).toEqual(expected);
    for (const { function: name } of expected) {
      expect(await runtime.runSchedule(name)).toEqual({ function: name });
    }
    expect(scheduledRuns).toEqual(expected.map((s) => s.function));
    await expect(runtime.runSchedule('fan-out')).rejects.toThrow(/no schedule named fan-out/);
  });

  it('serves the http function on the local API', async () => {
    const httpFunctions = functions.filter(([, spec]) => spec.trigger.kind === 'http').map(([name]) => name);
    expect(runtime.wiring.http.map((h) => h.function)).toEqual(httpFunctions);
    const response = await fetch(`${runtime.apiUrl}/anything`);
    expect(await response.text()).toBe(httpFunctions[0]);
  });

  it('hands SES feedback to the email-feedback functions, only of the events their trigger lists', async () => {
    // Prepare
    const expected = functions.flatMap(([name, spec]) =>
      spec.trigger.kind === 'email-feedback' ? [{ function: name, events: spec.trigger.events }] : [],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(runtime.wiring.emailFeedback).toEqual(expected);
    const bounce = { eventType: 'Bounce', mail: { messageId: 'm-1' } };
    const delivery = { eventType: 'Delivery', mail: { messageId: 'm-2' } };

    // Act
    const results = await runtime.deliverEmailFeedback(bounce);
    const none = await runtime.deliverEmailFeedback(delivery);

    // Assess: the bounce reached every function listing bounces, as the SNS message text
    const bounceTakers = expected.filter((e) => e.events.includes('bounce')).map((e) => e.function);
    expect(results).toEqual(bounceTakers.map((name) => ({ function: name, result: { function: name } })));
    expect(feedbackReceived).toEqual(bounceTakers.map((name) => ({ function: name, messages: [JSON.stringify(bounce)] })));
    expect(none).toEqual([]);
  });

  it('gives the handlers an env naming the local tables and queues', () => {
    for (const table of Object.keys(topology.tables) as TableName[]) {
      expect(runtime.env[`TABLE_${table.toUpperCase()}` as keyof typeof runtime.env]).toBe(runtime.tables[table]);
    }
    for (const queue of Object.keys(topology.queues) as QueueName[]) {
      expect(runtime.env[`QUEUE_${queue.toUpperCase()}_URL` as keyof typeof runtime.env]).toBe(runtime.queues[queue].url);
    }
    expect(runtime.env.MAIL_TRANSPORT).toBe('outbox');
    expect(runtime.env.OUTBOX_DIR).toBe(join(dataDir, 'outbox'));
    expect(runtime.env.PUBLIC_BASE_URL).toBe(runtime.apiUrl);
  });

  it('gives the URL of each dead-letter queue a function sends to directly, and no other', () => {
    const direct = new Set(functions.flatMap(([, spec]) => spec.access.sendsToDeadLetter ?? []));
    expect(direct.size).toBeGreaterThan(0);
    for (const queue of Object.keys(topology.queues) as QueueName[]) {
      const value = runtime.env[`QUEUE_${queue.toUpperCase()}_DLQ_URL` as keyof typeof runtime.env];
      expect(value, queue).toBe(direct.has(queue) ? runtime.queues[queue].dlqUrl : undefined);
    }
  });

  async function attributes(queueUrl: string): Promise<Record<string, string>> {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    return Attributes;
  }
});

function keySchema(partitionKey: string, sortKey?: string) {
  return [{ AttributeName: partitionKey, KeyType: 'HASH' }, ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' }] : [])];
}
