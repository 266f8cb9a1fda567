/**
 * What polling costs in DynamoDB and SQS requests: poll-feed (exact dedup) and classify-items
 * (stories, classify, alerts) run against dynalite and fauxqs in this process, the items queue
 * between them received and deleted as Lambda's event source does (10 messages a receive), over feeds served on 127.0.0.1, with clients that
 * count every request and ask DynamoDB for its consumed capacity (ReturnConsumedCapacity). Four
 * cases: an unchanged feed answered 304; an unchanged feed served in full; 10 new items of 50;
 * a burst of 1,000 new items across 100 feeds. Every new item matches a topic (the worst case:
 * each is placed in a story and alerted).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localCredentials, localRegion, startDynaliteEngine, startFauxqsEngine } from '../infra/local/index.ts';
import { createQueues, createTables } from '../infra/local/index.ts';
import type { TopicEngine } from '../shared/classify/index.ts';
import { silentLog } from '../shared/core/logger.ts';
import { createSqsMessageQueue } from '../shared/queue/sqs/sqs-message-queue.ts';
import { createHttpTransport } from '../shared/aws-http/index.ts';
import { createSqsClient, sqsService } from '../shared/queue/sqs/sqs-client.ts';
import {
  createDocumentClient,
  dynamoDbService,
  createDynamoDbFeedStore,
  createDynamoDbSeenItemStore,
  createDynamoDbStoryStore,
} from '../shared/store/dynamodb/index.ts';
import { handleItems, pollFeed, type HandleItemsDeps, type PollFeedDeps } from '../shared/feeds/index.ts';
import { itemsMessageSchema } from '../shared/messages/schemas.ts';

export interface CostCase {
  case: string;
  polls: number;
  items: number;
  newItems: number;
  dynamodb: { requests: number; byOperation: Record<string, number>; byTable: Record<string, OperationCost>; rcu: number; wcu: number };
  sqs: { requests: number };
  perItem: { dynamodbRequests: number; rcu: number; wcu: number; sqsRequests: number };
  perPoll: { dynamodbRequests: number; rcu: number; wcu: number; sqsRequests: number };
}

export interface CostBenchResult {
  name: 'cost';
  cases: CostCase[];
}

/** Requests and capacity of one DynamoDB operation on one table (e.g. `PutItem items`). */
export interface OperationCost {
  requests: number;
  rcu: number;
  wcu: number;
}

interface Meter {
  requests: number;
  byOperation: Record<string, number>;
  byTable: Record<string, OperationCost>;
  rcu: number;
  wcu: number;
  sqs: number;
}

const everythingMatches: Pick<TopicEngine, 'classify'> = {
  classify: () => [{ topic: 'un-meeting', label: 'UN meeting', score: 0.9, matched: [] }],
};

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tas',
  'vo',
  'qui',
  'bel',
  'dor',
  'fen',
  'gra',
  'hul',
  'jin',
  'mor',
  'nep',
  'pra',
  'sil',
  'tur',
  'ves',
  'zan',
];

/** A made-up word per (item, position): items share no words, so each is its own story. */
function word(seed: number): string {
  let h = (seed * 2654435761) >>> 0;
  let out = '';
  for (let k = 0; k < 3; k++) {
    out += SYLLABLES[h % SYLLABLES.length];
    h = Math.floor(h / SYLLABLES.length) + k * 7919;
  }
  return out;
}

function rss(feed: string, count: number, start = 0): string {
  let salt = 0;
  for (const c of feed) salt = (salt * 31 + c.charCodeAt(0)) % 100_000;
  const items = Array.from({ length: count }, (_, k) => {
    const i = start + k;
    const words = (n: number, from: number) => Array.from({ length: n }, (_, w) => word(salt * 10_000 + i * 50 + from + w)).join(' ');
    return (
      `<item><title>${words(6, 0)}</title><link>https://example.org/${feed}/${i}</link>` +
      `<guid isPermaLink="false">${feed}-${i}</guid><pubDate>${new Date(Date.UTC(2030, 0, 1, 10, i % 60)).toUTCString()}</pubDate>` +
      `<description>${words(20, 10)}.</description></item>`
    );
  }).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${feed}</title><link>https://example.org/</link><description>d</description>${items}</channel></rss>`;
}

export async function benchCost(): Promise<CostBenchResult> {
  const [dynalite, fauxqs] = await Promise.all([startDynaliteEngine(), startFauxqsEngine()]);
  const meter: Meter = { requests: 0, byOperation: {}, byTable: {}, rcu: 0, wcu: 0, sqs: 0 };
  let tablePrefix = '';
  // Makes the tables, uncounted.
  const raw = createDocumentClient({ endpoint: dynalite.endpoint, region: localRegion, credentials: localCredentials });
  // The stores' client (ours, as shipped) over loopback HTTP, metered at the transport: every
  // request asks for its consumed capacity, every answer is counted.
  const http = createHttpTransport(dynamoDbService, { endpoint: dynalite.endpoint, region: localRegion, credentials: localCredentials });
  const doc = createDocumentClient({
    transport: {
      async send(operation, body) {
        const answer = await http.send(operation, JSON.stringify({ ...JSON.parse(body), ReturnConsumedCapacity: 'TOTAL' }));
        meter.requests += 1;
        const name = operation;
        meter.byOperation[name] = (meter.byOperation[name] ?? 0) + 1;
        const consumed =
          answer.statusCode === 200 ? (JSON.parse(answer.body) as { ConsumedCapacity?: unknown }).ConsumedCapacity : undefined;
        const tables = new Set<string>();
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          const cap = c as { TableName?: string; CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
          // Per operation and table (the prefix of this run's tables dropped): where an item's cost goes.
          const table = String(cap.TableName ?? 'unknown')
            .replace(tablePrefix, '')
            .replace(/^[-_]/, '');
          const entry = (meter.byTable[`${name} ${table}`] ??= { requests: 0, rcu: 0, wcu: 0 });
          if (!tables.has(table)) entry.requests += 1;
          tables.add(table);
          const units = cap.ReadCapacityUnits ?? cap.WriteCapacityUnits ?? cap.CapacityUnits ?? 0;
          if (/Get|Query|Scan/.test(name)) {
            meter.rcu += units;
            entry.rcu += units;
          } else {
            meter.wcu += units;
            entry.wcu += units;
          }
        }
        return answer;
      },
      close: () => http.close?.(),
    },
  });
  // Makes the queues, uncounted.
  const sqs = createSqsClient({ endpoint: fauxqs.endpoint, region: localRegion, credentials: localCredentials });
  // The queue's client (ours, as shipped), its requests counted at the transport.
  const sqsHttp = createHttpTransport(sqsService, { endpoint: fauxqs.endpoint, region: localRegion, credentials: localCredentials });
  const queueClient = createSqsClient({
    transport: {
      send(operation, body, endpointHint) {
        meter.sqs += 1;
        return sqsHttp.send(operation, body, endpointHint);
      },
      close: () => sqsHttp.close?.(),
    },
  });

  const routes = new Map<string, { body: string; etag?: string }>();
  const server: Server = createServer((request, response) => {
    const route = routes.get(request.url ?? '');
    if (!route) return void response.writeHead(404).end();
    if (route.etag && request.headers['if-none-match'] === route.etag) return void response.writeHead(304, { etag: route.etag }).end();
    response.writeHead(200, { 'content-type': 'application/rss+xml', ...(route.etag ? { etag: route.etag } : {}) }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  try {
    tablePrefix = `cost${Date.now().toString(36)}`;
    const tables = await createTables(raw, tablePrefix);
    const queues = await createQueues(sqs, { prefix: `cost${Date.now().toString(36)}` });
    const clock = { now: () => new Date('2030-01-01T12:00:00Z') };
    const deps: PollFeedDeps & HandleItemsDeps = {
      feeds: createDynamoDbFeedStore({ client: doc, tableName: tables.feeds }),
      items: createDynamoDbSeenItemStore({ client: doc, tableName: tables.items, clock }),
      stories: createDynamoDbStoryStore({ client: doc, tableName: tables.stories, clock }),
      queue: createSqsMessageQueue(queueClient, Object.fromEntries(Object.entries(queues).map(([name, q]) => [name, q.url])) as never),
      engine: async () => everythingMatches,
      fetch: globalThis.fetch.bind(globalThis),
      clock,
      log: silentLog,
      events: { emit() {} },
      env: { ITEM_RETENTION_DAYS: 30, ALLOW_PRIVATE_NETWORK: true, PUBLIC_BASE_URL: undefined },
    };

    async function feed(id: string, body: string, etag?: string) {
      routes.set(`/${id}`, { body, ...(etag ? { etag } : {}) });
      await deps.feeds.upsertFeed({ feedId: id, url: `${origin}/${id}`, intervalMinutes: 5 }, clock.now());
    }
    /** One poll, then classify-items on what it handed on: received and deleted ten at a time, as Lambda does. */
    async function poll(id: string) {
      const polled = await pollFeed({ feedId: id, plannedAt: clock.now().toISOString() }, deps);
      // Lambda's pollers receive whether or not anything came: that fixed cost is not a poll's.
      if (polled.new === 0) return;
      for (;;) {
        const { Messages = [] } = await queueClient.call('ReceiveMessage', {
          QueueUrl: queues.items.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        });
        if (Messages.length === 0) return;
        for (const message of Messages) await handleItems(itemsMessageSchema.parse(JSON.parse(message.Body ?? '')), deps);
        await queueClient.call('DeleteMessageBatch', {
          QueueUrl: queues.items.url,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
        });
      }
    }

    async function measure(name: string, run: () => Promise<{ polls: number; items: number; newItems: number }>): Promise<CostCase> {
      Object.assign(meter, { requests: 0, byOperation: {}, byTable: {}, rcu: 0, wcu: 0, sqs: 0 });
      const { polls, items, newItems } = await run();
      const per = (value: number, n: number) => Math.round((value / Math.max(1, n)) * 1000) / 1000;
      return {
        case: name,
        polls,
        items,
        newItems,
        dynamodb: {
          requests: meter.requests,
          byOperation: { ...meter.byOperation },
          byTable: Object.fromEntries(
            Object.entries(meter.byTable).map(([key, cost]) => [
              key,
              { requests: cost.requests, rcu: round(cost.rcu), wcu: round(cost.wcu) },
            ]),
          ),
          rcu: round(meter.rcu),
          wcu: round(meter.wcu),
        },
        sqs: { requests: meter.sqs },
        perItem: {
          dynamodbRequests: per(meter.requests, items),
          rcu: per(meter.rcu, items),
          wcu: per(meter.wcu, items),
          sqsRequests: per(meter.sqs, items),
        },
        perPoll: {
          dynamodbRequests: per(meter.requests, polls),
          rcu: per(meter.rcu, polls),
          wcu: per(meter.wcu, polls),
          sqsRequests: per(meter.sqs, polls),
        },
      };
    }

    const cases: CostCase[] = [];
    await feed('etag', rss('e', 50), '"v1"');
    await poll('etag');
    cases.push(
      await measure('unchanged feed, 304', async () => {
        await poll('etag');
        return { polls: 1, items: 50, newItems: 0 };
      }),
    );

    await feed('full', rss('f', 50));
    await poll('full');
    cases.push(
      await measure('unchanged feed served in full (50 items)', async () => {
        await poll('full');
        return { polls: 1, items: 50, newItems: 0 };
      }),
    );

    await feed('ten', rss('t', 40, 10));
    await poll('ten');
    routes.set('/ten', { body: rss('t', 50) });
    cases.push(
      await measure('10 new items of 50', async () => {
        await poll('ten');
        return { polls: 1, items: 50, newItems: 10 };
      }),
    );

    for (let f = 0; f < 100; f++) await feed(`burst${f}`, rss(`b${f}`, 10));
    cases.push(
      await measure('burst: 1,000 new items across 100 feeds', async () => {
        for (let f = 0; f < 100; f += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => poll(`burst${f + k}`)));
        return { polls: 100, items: 1000, newItems: 1000 };
      }),
    );
    return { name: 'cost', cases };
  } finally {
    queueClient.destroy();
    raw.destroy();
    doc.destroy();
    sqs.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([fauxqs.stop(), dynalite.stop()]);
  }
}

export function formatCostBench(result: CostBenchResult): string[] {
  const lines = [
    '  case                                         polls  items  DynamoDB req  RCU     WCU     SQS req   per item: DDB req / RCU / WCU / SQS',
  ];
  for (const c of result.cases) {
    lines.push(
      `  ${c.case.padEnd(44)} ${String(c.polls).padStart(5)} ${String(c.items).padStart(6)} ${String(c.dynamodb.requests).padStart(13)} ${String(c.dynamodb.rcu).padStart(7)} ${String(c.dynamodb.wcu).padStart(7)} ${String(c.sqs.requests).padStart(8)}   ${c.perItem.dynamodbRequests} / ${c.perItem.rcu} / ${c.perItem.wcu} / ${c.perItem.sqsRequests}`,
    );
    // Where the requests and capacity go: per operation and table, per new item where there are new items.
    const n = Math.max(1, c.newItems);
    const unit = c.newItems > 0 ? ' (per new item)' : '';
    lines.push(
      `    ${Object.entries(c.dynamodb.byTable)
        .map(([op, cost]) => `${op} ${round(cost.requests / n)} req ${round(cost.rcu / n)} RCU ${round(cost.wcu / n)} WCU`)
        .join('; ')}${unit}`,
    );
  }
  const perItem = costPerNewItem(result);
  if (perItem) {
    const verdict = (value: number, goal: number) => (value <= goal ? 'met' : 'not met');
    lines.push(
      `  per new on-topic item (${perItem.case}): ${perItem.requests} DynamoDB requests (goal ≤ ${COST_GOALS.requests}: ${verdict(perItem.requests, COST_GOALS.requests)}), ` +
        `${perItem.wcu} WCU (goal ≤ ${COST_GOALS.wcu}: ${verdict(perItem.wcu, COST_GOALS.wcu)})`,
    );
  }
  return lines;
}

/** Issue 11's measure: requests and WCU per new on-topic item, on the case with the most new items (the burst). */
export function costPerNewItem(result: CostBenchResult): { case: string; requests: number; wcu: number } | undefined {
  const burst = [...result.cases].sort((a, b) => b.newItems - a.newItems)[0];
  if (!burst || burst.newItems === 0) return undefined;
  return { case: burst.case, requests: round(burst.dynamodb.requests / burst.newItems), wcu: round(burst.dynamodb.wcu / burst.newItems) };
}

/** Issue 11 item 2: DynamoDB requests and write capacity units per new on-topic item. */
export const COST_GOALS = { requests: 6, wcu: 10 };

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
