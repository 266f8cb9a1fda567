/**
 * Time to alert: the one-process pipeline runs with its real schedules while two fixture feeds
 * publish items at random moments — one polled (interval 1 minute), one pushed through a WebSub
 * test hub — and a webhook receiver records each alert's arrival. Prints p50 / p95 / max from
 * publication to webhook, per kind of feed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAllFeedsDue } from '../cli/poll-all-now.ts';
import { startLocalRuntime } from '../infra/local/index.ts';
import { builtinTopics } from '../shared/classify/index.ts';
import { applyConfig } from '../shared/config/apply-config.ts';
import { configFileSchema } from '../shared/config/config-file.ts';
import { silentLog } from '../shared/core/logger.ts';
import { atomFeed, startTestHub } from '../test/helpers/websub-hub.ts';

export interface TimeToAlertFigures {
  kind: 'polled' | 'websub';
  published: number;
  alerted: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  maxSeconds: number | null;
}

const PARTIES = ['Armenia', 'Azerbaijan', 'Serbia', 'Kosovo', 'Ethiopia', 'Eritrea', 'Sudan', 'Chad', 'Peru', 'Chile', 'Japan', 'Korea'];
const CITIES = ['Geneva', 'Vienna', 'Doha', 'Oslo', 'Istanbul', 'Nairobi', 'Helsinki', 'Riyadh', 'Cairo', 'Jakarta'];

/** Runs for `durationSeconds` of publishing, then waits for the last alerts (interval + 60 s at most). */
export async function benchTimeToAlert(options: { durationSeconds: number }): Promise<TimeToAlertFigures[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-tta-'));
  const hub = await startTestHub();
  const arrivals = new Map<string, number>();
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString()) as { story?: { link?: string } };
      if (payload.story?.link && !arrivals.has(payload.story.link)) arrivals.set(payload.story.link, Date.now());
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const feeds = { polled: 'polled-wire', websub: 'pushed-wire' } as const;
  const entries: Record<keyof typeof feeds, { id: string; title: string; published: string }[]> = { polled: [], websub: [] };
  const publishedAt = new Map<string, { kind: keyof typeof feeds; at: number }>();
  const document = (kind: keyof typeof feeds) =>
    atomFeed({ self: hub.feedUrl(feeds[kind]), ...(kind === 'websub' ? { hub: hub.hubUrl } : {}), entries: entries[kind].slice(-20) });
  for (const kind of ['polled', 'websub'] as const) hub.setFeed(feeds[kind], document(kind));

  const runtime = await startLocalRuntime({
    dataDir,
    apiPort: 0,
    log: silentLog,
    mailTransport: 'outbox',
    mailFrom: 'alerts@example.org',
    allowPrivateNetwork: true,
  });
  try {
    const config = configFileSchema.parse({
      feeds: Object.values(feeds).map((id) => ({ id, url: hub.feedUrl(id), intervalMinutes: 1 })),
      subscribers: [
        {
          id: 'desk',
          webhooks: [{ url: `${receiverUrl}/hooks` }],
          webhookSecret: `whsec_${Buffer.from('time-to-alert bench signing secret').toString('base64')}`,
          topics: ['talks'],
        },
      ],
    });
    await applyConfig(
      config,
      runtime.deps,
      builtinTopics.map((t) => t.id),
    );
    await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
    await runtime.runSchedule('plan-polls');
    await hub.waitForVerified(hub.feedUrl(feeds.websub), 1, 60_000);

    const end = Date.now() + options.durationSeconds * 1000;
    let n = 0;
    while (Date.now() < end) {
      // Random moments: on average one item every 10 s, alternating feeds at random.
      await sleep(2000 + Math.random() * 16_000);
      const kind = Math.random() < 0.5 ? 'polled' : 'websub';
      n += 1;
      const [a, b] = pickTwo(PARTIES, n);
      const city = CITIES[n % CITIES.length]!;
      // Feeds give whole seconds: the item is published at the start of this second.
      const at = Math.floor(Date.now() / 1000) * 1000;
      const id = `https://wire.example.org/${kind}/${n}`;
      entries[kind].push({ id, title: `${a} and ${b} open peace talks in ${city}, round ${n}`, published: new Date(at).toISOString() });
      publishedAt.set(id, { kind, at });
      hub.setFeed(feeds[kind], document(kind));
      if (kind === 'websub') await hub.publish(hub.feedUrl(feeds.websub), document(kind));
    }
    const settle = Date.now() + 120_000;
    while (Date.now() < settle && [...publishedAt.keys()].some((id) => !arrivals.has(id))) await sleep(500);
  } finally {
    await runtime.stop();
    await hub.close();
    await new Promise<void>((resolve) => {
      receiver.closeAllConnections();
      receiver.close(() => resolve());
    });
    await rm(dataDir, { recursive: true, force: true });
  }

  return (['polled', 'websub'] as const).map((kind) => {
    const ids = [...publishedAt].filter(([, p]) => p.kind === kind);
    const delays = ids
      .filter(([id]) => arrivals.has(id))
      .map(([id, p]) => (arrivals.get(id)! - p.at) / 1000)
      .sort((x, y) => x - y);
    return {
      kind,
      published: ids.length,
      alerted: delays.length,
      p50Seconds: quantile(delays, 0.5),
      p95Seconds: quantile(delays, 0.95),
      maxSeconds: delays.length ? delays[delays.length - 1]! : null,
    };
  });
}

export function formatTimeToAlert(figures: TimeToAlertFigures[]): string[] {
  const s = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)} s`);
  return figures.map(
    (f) =>
      `  ${f.kind.padEnd(7)} ${f.alerted}/${f.published} alerted  p50 ${s(f.p50Seconds).padStart(8)}  p95 ${s(f.p95Seconds).padStart(8)}  max ${s(f.maxSeconds).padStart(8)}`,
  );
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function pickTwo(list: string[], n: number): [string, string] {
  const a = list[n % list.length]!;
  const b = list[(n * 7 + 3) % list.length]!;
  return [a, b === a ? list[(n + 1) % list.length]! : b];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
