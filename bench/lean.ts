/**
 * The one process beside rss2email (issue 11): 20 local feeds × 50 items, served on 127.0.0.1,
 * read once by `news-alerts run --once` with one email subscriber (outbox), then by rss2email
 * (`r2e run --no-send`) on the same feeds. Each runs as a child under `/usr/bin/time`, which gives
 * its CPU (user + system, children included) and peak resident memory. news-alerts runs as the
 * installed command does: Node with the V8 flags of `cli/bin.js`'s `#!` line. The two take turns,
 * three rounds each by default, and the medians are compared: one run of either swings by up to
 * a third on a busy machine, and a swing on one side would move the ratio with it.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCliIfStale } from './build-if-stale.ts';

export interface LeanRun {
  cpuSeconds: number;
  wallSeconds: number;
  peakRssMb: number;
}

export interface LeanBenchResult {
  name: 'lean';
  feeds: number;
  itemsPerFeed: number;
  /** Runs of each side; CPU and wall are their medians, peak RSS the highest. */
  rounds: number;
  /** `emails`: the outbox's count after each round. */
  newsAlerts: LeanRun & { emails: number[]; nodeFlags: string[] };
  /** Absent when r2e is not installed. */
  rss2email?: LeanRun;
  ratios?: { cpu: number; wall: number; peakRss: number };
}

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
const bin = join(root, 'cli/bin.js');

/** The Node flags of the command's `#!/usr/bin/env -S node …` line. */
export function binNodeFlags(): string[] {
  const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  return /^#!\/usr\/bin\/env -S node (.+)$/.exec(shebang)?.[1]?.split(' ') ?? [];
}

const SUBJECTS = [
  (i: number) => [
    `Security Council meets on ceasefire in region ${i}`,
    `The UN Security Council held an emergency meeting on the fighting in region ${i}.`,
  ],
  (i: number) => [
    `Envoys open peace talks on border dispute ${i}`,
    `Negotiators met in Geneva for a round of peace talks on dispute ${i}.`,
  ],
  (i: number) => [`EU imposes sanctions on shipping firm ${i}`, `The European Union imposed an asset freeze and export ban on firm ${i}.`],
  (i: number) => [`Local bakery ${i} wins bread award`, `The sourdough of bakery ${i} was praised by the judges.`],
  (i: number) => [`Football club ${i} signs striker`, `The club confirmed the transfer of its new striker ${i}.`],
];

/** Feed `feed` of the case: `items` items, three in five on a built-in topic. */
function feedXml(feed: number, items: number): string {
  const entries = Array.from({ length: items }, (_, k) => {
    const i = feed * 1000 + k;
    const [title, summary] = SUBJECTS[i % SUBJECTS.length]!(i);
    const date = new Date(Date.UTC(2030, 0, 1, 10, k % 60)).toUTCString();
    return `<item><title>${title}</title><link>https://example.org/${feed}/${k}</link><guid>https://example.org/${feed}/${k}</guid><pubDate>${date}</pubDate><description>${summary}</description></item>`;
  }).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${feed}</title><link>https://example.org/${feed}</link><description>bench</description>${entries}</channel></rss>`;
}

/** The case's feeds served on 127.0.0.1: `/feed<n>.xml`, each with its ETag, as a news site's are. */
export interface LeanFeedServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): void;
}

/** Serves the case's `feeds` feeds of `itemsPerFeed` items (`feedXml`) until closed. */
export async function serveLeanFeeds(feeds: number, itemsPerFeed: number): Promise<LeanFeedServer> {
  const bodies = Array.from({ length: feeds }, (_, f) => feedXml(f, itemsPerFeed));
  const server = createServer((request, response) => {
    const index = Number(/^\/feed(\d+)\.xml$/.exec(request.url ?? '')?.[1] ?? Number.NaN);
    const body = bodies[index];
    if (body === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/rss+xml', etag: `"f${index}"` }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** The case's config: its feeds served at `origin`, and one email subscriber of the built-in topics. */
export function leanConfig(origin: string, feeds: number): string {
  return [
    'feeds:',
    ...Array.from(
      { length: feeds },
      (_, f) => `  - { id: feed${f}, title: Feed ${f}, url: "${origin}/feed${f}.xml", intervalMinutes: 10 }`,
    ),
    'topics: []',
    'subscribers:',
    '  - { id: reader, name: Reader, email: reader@example.org, topics: [un-meeting, talks, sanctions] }',
    'delivery:',
    '  mailFrom: news-alerts@example.org',
  ].join('\n');
}

/** Runs a command under /usr/bin/time -v: CPU of it and its children, wall time, peak RSS. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<LeanRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile('/usr/bin/time', ['-v', command, ...args], { env, cwd, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) return reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-2000)}`));
      const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(stderr)?.[1] ?? Number.NaN);
      resolve({
        cpuSeconds: round(field('User time \\(seconds\\)') + field('System time \\(seconds\\)')),
        wallSeconds: round((performance.now() - started) / 1000),
        peakRssMb: round(field('Maximum resident set size \\(kbytes\\)') / 1024),
      });
    });
  });
}

function hasCommand(name: string): Promise<boolean> {
  return new Promise((resolve) => execFile('sh', ['-c', `command -v ${name}`], (error) => resolve(!error)));
}

/** Rounds of each side, taken in turn: the median of each is what the bench reports. */
const DEFAULT_ROUNDS = 3;

export async function benchLean(options: { feeds?: number; itemsPerFeed?: number; rounds?: number } = {}): Promise<LeanBenchResult> {
  const feeds = options.feeds ?? 20;
  const itemsPerFeed = options.itemsPerFeed ?? 50;
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  buildCliIfStale();
  const server = await serveLeanFeeds(feeds, itemsPerFeed);
  const origin = server.origin;
  const dir = mkdtempSync(join(tmpdir(), 'news-alerts-lean-'));
  try {
    const config = leanConfig(origin, feeds);
    writeFileSync(join(dir, 'config.yaml'), `${config}\n`);
    const env = { ...process.env, ALLOW_PRIVATE_NETWORK: 'true', NO_COLOR: '1' };
    const nodeFlags = binNodeFlags();
    // rss2email's subscriptions set up once (not measured); each round reads the feeds as new
    // from a fresh copy of its state, as each news-alerts round starts from an empty data folder.
    const withR2e = await hasCommand('r2e');
    const r2e = (name: string, args: string[]) => ['-c', join(dir, `${name}.cfg`), '-d', join(dir, `${name}.json`), ...args];
    if (withR2e) {
      await timed('r2e', r2e('r2e', ['new', 'reader@example.org']), env, dir);
      for (let f = 0; f < feeds; f++) await timed('r2e', r2e('r2e', ['add', `feed${f}`, `${origin}/feed${f}.xml`]), env, dir);
    }
    const ours: (LeanRun & { emails: number })[] = [];
    const theirs: LeanRun[] = [];
    for (let round = 0; round < rounds; round++) {
      const data = join(dir, `data-${round}`);
      const run = await timed(
        node,
        [...nodeFlags, bin, 'run', '--once', '--config', join(dir, 'config.yaml'), '--data-dir', data, '--port', '0'],
        env,
        dir,
      );
      ours.push({ ...run, emails: readdirSync(join(data, 'outbox')).filter((name) => name.endsWith('.eml')).length });
      if (!withR2e) continue;
      for (const ext of ['cfg', 'json']) copyFileSync(join(dir, `r2e.${ext}`), join(dir, `r2e-${round}.${ext}`));
      theirs.push(await timed('r2e', r2e(`r2e-${round}`, ['run', '--no-send']), env, dir));
    }
    const newsAlerts = { ...medianRun(ours), emails: ours.map((run) => run.emails), nodeFlags };
    const result: LeanBenchResult = { name: 'lean', feeds, itemsPerFeed, rounds, newsAlerts };
    if (!withR2e) return result;
    const rss2email = medianRun(theirs);
    return {
      ...result,
      rss2email,
      ratios: {
        cpu: round(newsAlerts.cpuSeconds / rss2email.cpuSeconds),
        wall: round(newsAlerts.wallSeconds / rss2email.wallSeconds),
        peakRss: round(newsAlerts.peakRssMb / rss2email.peakRssMb),
      },
    };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median CPU and wall time of the rounds, and the highest peak memory of any. */
function medianRun(runs: LeanRun[]): LeanRun {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[middle]! : round((sorted[middle - 1]! + sorted[middle]!) / 2);
  };
  return {
    cpuSeconds: median(runs.map((run) => run.cpuSeconds)),
    wallSeconds: median(runs.map((run) => run.wallSeconds)),
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
  };
}

/** Issue 11 item 5: CPU beside rss2email's, and peak memory. */
export const LEAN_GOALS = { cpuRatio: 3, peakRssMb: 250 } as const;

export function formatLeanBench(result: LeanBenchResult): string[] {
  const line = (name: string, run: LeanRun) =>
    `  ${name.padEnd(12)} CPU ${run.cpuSeconds.toFixed(2).padStart(6)} s   wall ${run.wallSeconds.toFixed(2).padStart(6)} s   peak RSS ${run.peakRssMb.toFixed(0).padStart(4)} MB`;
  const lines = [
    `  median of ${result.rounds} runs each, taken in turn (peak RSS: the highest)`,
    `${line('news-alerts', result.newsAlerts)}   (emails in the outbox: ${result.newsAlerts.emails.join(', ')}; node ${result.newsAlerts.nodeFlags.join(' ')})`,
  ];
  if (!result.rss2email || !result.ratios) {
    lines.push('  rss2email    not installed: apt-get install rss2email (Debian/Ubuntu) to compare');
    lines.push(`  goal: peak RSS ≤ ${LEAN_GOALS.peakRssMb} MB (${result.newsAlerts.peakRssMb.toFixed(0)} MB)`);
    return lines;
  }
  lines.push(line('rss2email', result.rss2email));
  lines.push(
    `  ratio        CPU ${result.ratios.cpu}× (goal ≤ ${LEAN_GOALS.cpuRatio}×)   wall ${result.ratios.wall}×   peak RSS ${result.ratios.peakRss}×; peak RSS ${result.newsAlerts.peakRssMb.toFixed(0)} MB (goal ≤ ${LEAN_GOALS.peakRssMb} MB)`,
  );
  return lines;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
