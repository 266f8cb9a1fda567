import { performance } from 'node:perf_hooks';
import { PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createQueues, createTables, localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine } from '../infra/local/index.ts';
import type { QueueName } from '../infra/topology.ts';
import { nullEventSink } from '../shared/core/events.ts';
import { silentLog } from '../shared/core/logger.ts';
import { DEFAULT_FAN_OUT_MAX_PAGES, DEFAULT_FAN_OUT_PAGE_SIZE, fanOut } from '../shared/fanout/fan-out.ts';
import { planPolls } from '../shared/feeds/index.ts';
import type { AlertMessage } from '../shared/messages/schemas.ts';
import { createSqsClient } from '../shared/queue/sqs/sqs-client.ts';
import { createSqsMessageQueue } from '../shared/queue/sqs/sqs-message-queue.ts';
import {
  BatchWriteCommand,
  createDocumentClient,
  createDynamoDbDigestStore,
  createDynamoDbFeedStore,
  createDynamoDbSubscriptionStore,
  dueShardOf,
  subscriptionPartitionOf,
  type DynamoDbClient,
} from '../shared/store/dynamodb/index.ts';
import { benchAlert, receiveAll } from './fanout.ts';

/** The full figures the design must carry (issue 11, item 6). */
export const SCALE_GOALS = { feeds: 50_000, subscribers: 1_000_000, intervalMinutes: 15, planBudgetMs: 20_000 } as const;

export interface PlanningFigure {
  feeds: number;
  /** Feeds due in each simulated minute (every feed at 15 minutes, spread evenly). */
  duePerMinute: number;
  /** Median planner run over the simulated minutes, ms. */
  msPerMinute: number;
  msPerFeed: number;
}

export interface FanoutFigure {
  subscribers: number;
  deliveries: number;
  /** Fan-out invocations in all, and the longest chain of them one shard needed (the critical path in Lambda). */
  invocations: number;
  longestChain: number;
  seconds: number;
  deliveriesPerSecond: number;
  /** Time of one invocation (1,000 subscribers), ms: what one link of a chain costs. */
  msPerInvocation: number;
}

export interface ScaleFigures {
  planning: PlanningFigure[];
  fanout: FanoutFigure[];
  shards: { feeds: number; subscribers: number };
}

const ALERT = benchAlert('scale');

/** Writes rows 25 per BatchWriteItem, 8 requests in flight (setup, not timed). */
async function load(document: DynamoDbClient, tableName: string, rows: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < rows.length; i += 25) batches.push(rows.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const output = await document.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (output.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * The scale simulation, scaled down, on the embedded engines (dynalite + fauxqs in this
 * process): planning at each feed count (every feed at 15 minutes, due times spread evenly, the
 * real planner over the sharded due index, three simulated minutes), and one alert's fan-out to
 * each subscriber count (the real fan-out over the sharded subscriptions, its slices run
 * `shards` at a time as the alert queue's consumers would). Times the planner and fan-out only.
 */
export async function benchScale(options: { feeds: number[]; subscribers: number[] }): Promise<ScaleFigures> {
  const dynamodbEngine = await startDynaliteEngine();
  const sqsEngine = await startFauxqsEngine();
  const config = { region: localRegion, credentials: localCredentials };
  const sqs = new SQSClient({ ...config, endpoint: sqsEngine.endpoint });
  const document = createDocumentClient({ ...config, endpoint: dynamodbEngine.endpoint });
  const queueClient = createSqsClient({ ...config, endpoint: sqsEngine.endpoint });
  const figures: ScaleFigures = { planning: [], fanout: [], shards: { feeds: 0, subscribers: 0 } };
  try {
    let run = 0;
    const fresh = async () => {
      const prefix = `bench-scale-${++run}`;
      const tables = await createTables(document, prefix);
      const queues = await createQueues(queueClient, { prefix });
      const urls = Object.fromEntries(Object.entries(queues).map(([name, q]) => [name, q.url])) as Record<QueueName, string>;
      return { tables, urls, queue: createSqsMessageQueue(queueClient, urls) };
    };
    const purge = (url: string) => sqs.send(new PurgeQueueCommand({ QueueUrl: url }));

    for (const total of options.feeds) {
      const { tables, urls, queue } = await fresh();
      const start = Date.parse('2030-01-01T00:00:00Z');
      const period = SCALE_GOALS.intervalMinutes * 60_000;
      await load(
        document,
        tables.feeds,
        Array.from({ length: total }, (_, n) => {
          const feedId = `feed-${String(n).padStart(6, '0')}`;
          return {
            feedId,
            url: `https://feeds.example/${n}`,
            intervalMinutes: SCALE_GOALS.intervalMinutes,
            consecutiveErrors: 0,
            nextPollAt: new Date(start + Math.floor((n * period) / total)).toISOString(),
            dueShard: dueShardOf(feedId),
          };
        }),
      );
      const feeds = createDynamoDbFeedStore({ client: document, tableName: tables.feeds });
      figures.shards.feeds = feeds.dueShards;
      const times: number[] = [];
      let planned = 0;
      // Minute 0 finds the feeds due in its minute; minutes 1 and 2 the next ones.
      for (let minute = 0; minute < 3; minute++) {
        const clock = { now: () => new Date(start + minute * 60_000) };
        const began = performance.now();
        const summary = await planPolls({ feeds, queue, clock, log: silentLog }, { budgetMs: SCALE_GOALS.planBudgetMs });
        times.push(performance.now() - began);
        planned += summary.planned;
        await purge(urls.poll);
      }
      const msPerMinute = median(times);
      const duePerMinute = Math.round(planned / 3);
      figures.planning.push({
        feeds: total,
        duePerMinute,
        msPerMinute: Math.round(msPerMinute),
        msPerFeed: Number((msPerMinute / Math.max(1, duePerMinute)).toFixed(3)),
      });
    }

    for (const total of options.subscribers) {
      const { tables, urls, queue } = await fresh();
      await load(
        document,
        tables.subscriptions,
        Array.from({ length: total }, (_, n) => {
          const subscriberId = `sub-${String(n).padStart(7, '0')}`;
          return {
            topicId: subscriptionPartitionOf('un-meeting', subscriberId),
            subscriberId,
            topics: ['un-meeting'],
            channels: [{ kind: 'webhook', channelId: 'hook', url: `https://hooks.example.org/${n}`, format: 'json' }],
            minScore: 0,
            state: 'active',
          };
        }),
      );
      const subscriptions = createDynamoDbSubscriptionStore({ client: document, tableName: tables.subscriptions });
      figures.shards.subscribers = subscriptions.topicShards;
      const deps = {
        subscriptions,
        digests: createDynamoDbDigestStore({ client: document, tableName: tables.digests }),
        queue,
        clock: { now: () => new Date() },
        log: silentLog,
        events: nullEventSink,
      };
      const options = { pageSize: DEFAULT_FAN_OUT_PAGE_SIZE, maxPages: DEFAULT_FAN_OUT_MAX_PAGES };

      // The first invocation; then the slices, each a chain of invocations, `shards` at a time.
      const began = performance.now();
      const invocationTimes: number[] = [];
      const timed = async (message: AlertMessage) => {
        const t = performance.now();
        const summary = await fanOut(message, deps, options);
        invocationTimes.push(performance.now() - t);
        return summary;
      };
      const first = await timed(ALERT);
      let deliveries = first.deliveries.webhook;
      let longestChain = 1;
      await Promise.all(
        first.followUps.map(async (slice) => {
          let chain = 1;
          for (let message: AlertMessage | undefined = slice; message; chain++) {
            const summary = await timed(message);
            deliveries += summary.deliveries.webhook;
            message = summary.followUps[0];
          }
          longestChain = Math.max(longestChain, chain);
        }),
      );
      const seconds = (performance.now() - began) / 1000;
      // The follow-ups were handed over directly (above); what the queues got is not consumed here.
      await receiveAll(sqs, urls.alert);
      await purge(urls.webhook);
      figures.fanout.push({
        subscribers: total,
        deliveries,
        invocations: invocationTimes.length,
        longestChain,
        seconds: Number(seconds.toFixed(2)),
        deliveriesPerSecond: Math.round(deliveries / seconds),
        msPerInvocation: Math.round(median(invocationTimes)),
      });
    }
    return figures;
  } finally {
    sqs.destroy();
    queueClient.destroy();
    document.destroy();
    await sqsEngine.stop();
    await dynamodbEngine.stop();
  }
}

/** Lines for the terminal: each figure, then the extrapolation to the goals beside them. */
export function formatScaleBench(f: ScaleFigures): string[] {
  const lines: string[] = [];
  for (const p of f.planning) {
    lines.push(
      `  plan-polls ${String(p.feeds).padStart(6)} feeds (${f.shards.feeds} shards): ${p.duePerMinute} due a minute planned in ${p.msPerMinute} ms (${p.msPerFeed} ms/feed)`,
    );
  }
  const goalDue = Math.ceil(SCALE_GOALS.feeds / SCALE_GOALS.intervalMinutes);
  const low = f.planning[0];
  const high = f.planning.at(-1);
  if (low && high) {
    // A straight line through the smallest and largest run: fixed cost + cost per due feed.
    const slope =
      high.duePerMinute > low.duePerMinute ? (high.msPerMinute - low.msPerMinute) / (high.duePerMinute - low.duePerMinute) : high.msPerFeed;
    const at = Math.round(low.msPerMinute + slope * (goalDue - low.duePerMinute));
    lines.push(
      `  → ${SCALE_GOALS.feeds} feeds: ${goalDue} due a minute ≈ ${at} ms of planning a minute (${slope.toFixed(2)} ms per due feed; goal: within one run's ${SCALE_GOALS.planBudgetMs} ms budget, else it continues next minute; was: at most 1,000 a run after a full Scan)`,
    );
  }
  for (const x of f.fanout) {
    lines.push(
      `  fan-out ${String(x.subscribers).padStart(7)} subscribers (${f.shards.subscribers} shards): ${x.deliveries} deliveries in ${x.seconds} s = ${x.deliveriesPerSecond}/s; ${x.invocations} invocations, longest chain ${x.longestChain}, ${x.msPerInvocation} ms each`,
    );
  }
  const last = f.fanout.at(-1);
  if (last) {
    const chain = Math.ceil(SCALE_GOALS.subscribers / f.shards.subscribers / (DEFAULT_FAN_OUT_PAGE_SIZE * DEFAULT_FAN_OUT_MAX_PAGES));
    lines.push(
      `  → ${SCALE_GOALS.subscribers} subscribers on one topic: ${f.shards.subscribers} parallel chains of ${chain} invocations ≈ ${Math.round((chain * last.msPerInvocation) / 1000)} s at this machine's ${last.msPerInvocation} ms per invocation (was: one chain of ${SCALE_GOALS.subscribers / 1000})`,
    );
  }
  return lines;
}
