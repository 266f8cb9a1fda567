import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startWebhookReceiver } from '../cli/demo/fixture-servers.ts';
import { createEventCounter } from '../cli/event-printer.ts';
import { makeAllFeedsDue } from '../cli/poll-all-now.ts';
import { startLocalRuntime } from '../infra/local/index.ts';
import { builtinTopics } from '../shared/classify/index.ts';
import { applyConfig } from '../shared/config/apply-config.ts';
import { configFileSchema } from '../shared/config/config-file.ts';
import { silentLog } from '../shared/core/logger.ts';

export interface PipelineFigures {
  feeds: number;
  itemsPerFeed: number;
  alerts: number;
  deliveries: number;
  firstPollSeconds: number;
  rePollSeconds: number;
  itemsPerSecond: number;
  rssMiB: number;
}

const subjects = ['Security Council', 'General Assembly', 'Human Rights Council'];
const places = ['Ukraine', 'Sudan', 'Gaza', 'Haiti', 'Myanmar', 'Yemen', 'Libya', 'Syria'];

const syllables = ['ka', 'lor', 'vin', 'tu', 'mer', 'sa', 'dri', 'pol', 'ne', 'zu', 'gar', 'fi'];

/** A made-up proper name, different for every n: keeps synthetic items distinct stories. */
function name(n: number): string {
  let text = '';
  for (let k = n + 7; k > 0; k = Math.floor(k / syllables.length)) text += syllables[k % syllables.length];
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A synthetic feed: every third item on a UN meeting, every third on sanctions, the rest off-topic. */
function syntheticFeed(feedIndex: number, items: number): string {
  const entries = Array.from({ length: items }, (_, i) => {
    const place = places[(i + feedIndex) % places.length];
    const kind = i % 3;
    // Five made-up names per item keep the synthetic items apart as stories (the clusterer would
    // rightly merge near-identical templated headlines), so every on-topic item alerts.
    const who = [0, 1, 2, 3, 4].map((k) => name(feedIndex * 5000 + i * 5 + k)).join(' ');
    const title =
      kind === 0
        ? `${subjects[i % subjects.length]} holds emergency meeting on ${place} after envoy ${who} is detained`
        : kind === 1
          ? `EU extends sanctions on ${place} official ${who} over rights abuses`
          : `Bakery of ${who} in ${place} wins regional bread prize`;
    return `<item><title>${title}</title><link>https://bench.example/${feedIndex}/${i}</link><guid>b-${feedIndex}-${i}</guid><description>Item ${i} of the benchmark feed ${feedIndex}.</description><pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench ${feedIndex}</title><link>https://bench.example/</link>${entries.join('')}</channel></rss>`;
}

/** Runs the one-process pipeline over synthetic feeds on localhost and times it. */
export async function benchPipeline(options: { feeds?: number; itemsPerFeed?: number } = {}): Promise<PipelineFigures> {
  const feedCount = options.feeds ?? 10;
  const itemsPerFeed = options.itemsPerFeed ?? 30;
  const bodies = Array.from({ length: feedCount }, (_, i) => syntheticFeed(i, itemsPerFeed));
  const feedServer = createServer((request, response) => {
    const index = Number(new URL(request.url ?? '/', 'http://x').pathname.slice(1));
    response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(bodies[index] ?? '');
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  const feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
  const receiver = await startWebhookReceiver();
  const dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-bench-'));
  const counter = createEventCounter();
  const runtime = await startLocalRuntime({
    dataDir,
    apiPort: 0,
    log: silentLog,
    events: counter.sink,
    allowPrivateNetwork: true,
    schedules: false,
    mailTransport: 'outbox',
  });
  try {
    const config = configFileSchema.parse({
      feeds: bodies.map((_, i) => ({ id: `bench-${i}`, url: `${feedUrl}/${i}` })),
      subscribers: [
        {
          id: 'bench',
          webhooks: [{ url: `${receiver.url}/hook` }],
          webhookSecret: `whsec_${Buffer.from('benchmark secret value').toString('base64')}`,
          topics: ['un-meeting', 'sanctions'],
        },
      ],
    });
    await applyConfig(
      config,
      runtime.deps,
      builtinTopics.map((t) => t.id),
    );
    const pollAll = async () => {
      const started = performance.now();
      await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
      await runtime.runSchedule('plan-polls');
      await runtime.waitForIdle({ timeoutMs: 600_000, includeNotVisible: true });
      return (performance.now() - started) / 1000;
    };
    const firstPollSeconds = await pollAll();
    const rePollSeconds = await pollAll();
    return {
      feeds: feedCount,
      itemsPerFeed,
      alerts: counter.counts.alerts.total,
      deliveries: counter.counts.deliveries.webhook.delivered,
      firstPollSeconds: round(firstPollSeconds),
      rePollSeconds: round(rePollSeconds),
      itemsPerSecond: round((feedCount * itemsPerFeed) / firstPollSeconds),
      rssMiB: round(process.memoryUsage().rss / 2 ** 20),
    };
  } finally {
    await runtime.stop();
    await receiver.close();
    await new Promise<void>((resolve) => {
      feedServer.closeAllConnections();
      feedServer.close(() => resolve());
    });
    await rm(dataDir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
