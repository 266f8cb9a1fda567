/**
 * The shared test pipeline (test/helpers/pipeline.ts) with a test clock, plus a consistent read
 * of any row (TTL attributes) for the stories and dedup tests.
 */
import { GetCommand } from '../../../shared/store/dynamodb/commands.ts';
import type { ProvisionedTables } from '../../../infra/local/provision.ts';
import type { QueueName } from '../../../infra/topology.ts';
import type { Deps } from '../../../shared/runtime/deps.ts';
import { startTestPipeline } from '../../helpers/pipeline.ts';

export interface PipelineEngines {
  deps: Deps;
  clock: { now(): Date; advanceMinutes(minutes: number): void };
  tables: ProvisionedTables;
  /** The dynalite endpoint, for a client of the test's own (one that counts requests). */
  dynamodbEndpoint: string;
  row(table: string, key: Record<string, string>): Promise<Record<string, unknown> | undefined>;
  drain(queue: QueueName): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function startPipelineEngines(start = '2030-01-01T12:00:00.000Z'): Promise<PipelineEngines> {
  let current = new Date(start).getTime();
  const clock = { now: () => new Date(current), advanceMinutes: (minutes: number) => (current += minutes * 60_000) };
  const pipeline = await startTestPipeline({ label: 'stories', clock });
  const doc = pipeline.dynalite.documents;
  return {
    ...pipeline,
    clock,
    dynamodbEndpoint: pipeline.dynalite.endpoint,
    async row(table, key) {
      return (await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
    },
  };
}
