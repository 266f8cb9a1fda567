/**
 * DynamoDB TTL for dynalite, which has none: every interval, scan each table that has a TTL
 * attribute and delete the rows whose expiry (epoch seconds) is past. Each sweep is bounded
 * (pages and deletes); a table's scan resumes where the previous sweep stopped. It runs on the
 * stores' own client: keys come back as plain values and go out again as they came.
 */
import { DeleteCommand, isConditionalCheckFailed, ScanCommand, type DynamoDbClient } from '../../shared/store/dynamodb/index.ts';
import { systemClock, type Clock } from '../../shared/core/clock.ts';
import type { Log } from '../../shared/core/logger.ts';

export interface TtlTable {
  tableName: string;
  /** Number attribute holding the expiry in epoch seconds; rows without it never expire. */
  ttlAttribute: string;
  /** The key attributes (partition, then sort), needed to delete a row. */
  keyAttributes: string[];
}

export interface TtlSweeperOptions {
  client: DynamoDbClient;
  tables: TtlTable[];
  log: Log;
  clock?: Clock;
  /** Pause between sweeps. Default 60 s. */
  intervalMs?: number;
  /** Most rows one sweep deletes, over all tables. Default 1000. */
  maxDeletesPerSweep?: number;
  /** Most Scan pages one sweep reads per table. Default 20. */
  maxPagesPerTable?: number;
  /** Scan page size. Default 100. */
  pageSize?: number;
}

export interface SweepResult {
  deleted: number;
  /** Rows deleted per table name. */
  byTable: Record<string, number>;
  /** True when a bound stopped the sweep before it reached the end of every table. */
  truncated: boolean;
}

export interface TtlSweeper {
  /** Sweeps now and then every interval; a second call does nothing. */
  start(): void;
  /** One bounded sweep over every table. */
  sweepOnce(): Promise<SweepResult>;
  /** Disarms the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export function createTtlSweeper(options: TtlSweeperOptions): TtlSweeper {
  const { client, tables, log } = options;
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? 60_000;
  const maxDeletes = options.maxDeletesPerSweep ?? 1000;
  const maxPages = options.maxPagesPerTable ?? 20;
  const pageSize = options.pageSize ?? 100;
  // Where each table's scan stopped last time, so a large table is covered over several sweeps.
  const cursors = new Map<string, Record<string, unknown> | undefined>();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<SweepResult> | undefined;
  let stopped = false;

  async function sweep(): Promise<SweepResult> {
    const now = Math.floor(clock.now().getTime() / 1000);
    const result: SweepResult = { deleted: 0, byTable: {}, truncated: false };
    for (const table of tables) {
      const budget = maxDeletes - result.deleted;
      if (budget <= 0) {
        result.truncated = true;
        break;
      }
      const { deleted, truncated } = await sweepTable(table, now, budget);
      result.byTable[table.tableName] = deleted;
      result.deleted += deleted;
      result.truncated ||= truncated;
    }
    if (result.deleted > 0) log.debug('ttl sweep deleted expired rows', { ...result.byTable });
    return result;
  }

  async function sweepTable(table: TtlTable, now: number, budget: number): Promise<{ deleted: number; truncated: boolean }> {
    let deleted = 0;
    let startKey = cursors.get(table.tableName);
    for (let page = 0; page < maxPages; page++) {
      const output = await client.send(
        new ScanCommand({
          TableName: table.tableName,
          Limit: pageSize,
          ExclusiveStartKey: startKey,
          FilterExpression: '#expiry < :now',
          ProjectionExpression: table.keyAttributes.map((_, i) => `#k${i}`).join(', '),
          ExpressionAttributeNames: {
            '#expiry': table.ttlAttribute,
            ...Object.fromEntries(table.keyAttributes.map((name, i) => [`#k${i}`, name])),
          },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      for (const key of output.Items ?? []) {
        if (deleted >= budget) {
          // Rescan this page next time rather than skip the rows not yet deleted.
          cursors.set(table.tableName, startKey);
          return { deleted, truncated: true };
        }
        if (await deleteIfExpired(table, key, now)) deleted++;
      }
      startKey = output.LastEvaluatedKey;
      if (!startKey) {
        cursors.delete(table.tableName);
        return { deleted, truncated: false };
      }
    }
    cursors.set(table.tableName, startKey);
    return { deleted, truncated: true };
  }

  /** Conditional, so a row whose expiry was pushed back since the scan is kept. */
  async function deleteIfExpired(table: TtlTable, key: Record<string, unknown>, now: number): Promise<boolean> {
    try {
      await client.send(
        new DeleteCommand({
          TableName: table.tableName,
          Key: key,
          ConditionExpression: '#expiry < :now',
          ExpressionAttributeNames: { '#expiry': table.ttlAttribute },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  function sweepOnce(): Promise<SweepResult> {
    // One sweep at a time; a caller arriving mid-sweep shares it.
    current ??= sweep().finally(() => {
      current = undefined;
    });
    return current;
  }

  function tick(): void {
    if (stopped) return;
    sweepOnce().catch((error: unknown) => {
      log.warn('ttl sweep failed; retrying next interval', { error: error instanceof Error ? error.message : String(error) });
    });
  }

  return {
    start() {
      if (timer || stopped) return;
      tick();
      timer = setInterval(tick, intervalMs);
    },
    sweepOnce,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await current?.catch(() => {});
    },
  };
}
