/**
 * `npm run bench -- --only feeds`: parse + normalize throughput of the feed reader (decode → one
 * pass, our scanner or sax for broken XML → normalize: `readFeed`, what the poller runs) beside raw rss-parser
 * (`parseString` on the bytes read as UTF-8) on the same inputs in the same run, and the peak
 * memory of the 50 MB case. Memory is measured in fresh child processes (peak RSS from
 * `process.resourceUsage().maxRSS`, minus the RSS just before the work), because parsing is
 * synchronous and sampling inside the process would miss the peak.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Parser from 'rss-parser';
import { fetchFeed, readFeed } from '../shared/feeds/index.ts';

const MB = 1e6;
const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'conformance');

interface Input {
  body: Buffer;
  contentType?: string;
  feedUrl?: string;
}

/** Throughput of one reader over one input set. */
export interface ReaderFigures {
  itemsPerSecond: number;
  megabytesPerSecond: number;
  /** Items produced per pass (raw rss-parser produces none for the documents it rejects). */
  items: number;
  /** Documents rejected per pass. */
  rejected: number;
  /** Median milliseconds per pass. */
  millisPerPass: number;
}

export interface ThroughputFigures {
  documents: number;
  megabytes: number;
  ours: ReaderFigures;
  rawRssParser: ReaderFigures;
  /** Median over interleaved pass pairs of our time ÷ raw rss-parser's. */
  timeRatio: number;
}

export interface MemoryFigures {
  /** Peak RSS growth, MB. */
  peakRssMegabytes: number;
  outcome: string;
}

export interface FeedsBenchResult {
  name: 'feeds';
  corpus: ThroughputFigures;
  oneMegabyteFeed: ThroughputFigures;
  fiftyMegabytes: {
    /** A 50 MB body fetched from 127.0.0.1 with the default 15 MiB cap. */
    fetchWithDefaultCap: MemoryFigures;
    /** A 50 MB, 10 000-item document read in memory (as if the cap allowed it). */
    readOurs: MemoryFigures;
    readRawRssParser: MemoryFigures;
  };
}

/** Every distinct document of the conformance corpus in the repository, with its HTTP context. */
function corpusInputs(): Input[] {
  const cases = JSON.parse(readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8')) as {
    file: string;
    feedUrl?: string;
    responseHeaders?: Record<string, string>;
  }[];
  const seen = new Set<string>();
  const inputs: Input[] = [];
  for (const c of cases) {
    if (seen.has(c.file)) continue;
    seen.add(c.file);
    try {
      inputs.push({
        body: readFileSync(path.join(FIXTURES, 'feeds', c.file)),
        contentType: c.responseHeaders?.['Content-Type'],
        feedUrl: c.feedUrl,
      });
    } catch {
      // Not in the repository (licence): see test/fixtures/conformance/README.md.
    }
  }
  return inputs;
}

/**
 * A realistic RSS 2.0 feed of about `bytes` bytes: items with HTML descriptions (1–9 paragraphs
 * of ~350 bytes, or `paragraphs` each), dates, authors, categories.
 */
export function generateFeed(bytes: number, paragraphs?: number): Buffer {
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench Wire</title><link>https://bench.example/</link>',
  ];
  const paragraph =
    '<p>Delegations met in Geneva on Tuesday for a second round of talks on the ceasefire, the mediator said &mdash; ' +
    'diplomats described the session as <em>constructive</em> and said a further meeting of the Security Council was expected. ' +
    'Sanctions on shipping firms were extended for six months.</p>';
  let size = parts[0]!.length;
  for (let i = 0; size < bytes - 200; i++) {
    const date = new Date(Date.UTC(2025, 2, 6, 12) - i * 600_000).toUTCString();
    const item =
      `<item><title>Talks resume in Geneva as envoys meet, round ${i}</title><link>https://bench.example/world/${i}?utm_source=rss</link>` +
      `<guid isPermaLink="false">bench-${i}</guid><pubDate>${date}</pubDate><dc:creator>Desk ${i % 17}</dc:creator>` +
      `<category>World</category><description><![CDATA[${paragraph.repeat(paragraphs ?? 1 + (i % 3) * 4)}]]></description></item>`;
    parts.push(item);
    size += item.length;
  }
  parts.push('</channel></rss>');
  return Buffer.from(parts.join(''), 'utf8');
}

async function passOurs(inputs: Input[]): Promise<{ items: number; rejected: number }> {
  let items = 0;
  let rejected = 0;
  for (const input of inputs) {
    try {
      items += (await readFeed(input)).entries.length;
    } catch {
      rejected++;
    }
  }
  return { items, rejected };
}

async function passRaw(inputs: Input[]): Promise<{ items: number; rejected: number }> {
  let items = 0;
  let rejected = 0;
  for (const input of inputs) {
    try {
      const feed = await new Parser().parseString(input.body.toString('utf8'));
      items += feed.items.length;
    } catch {
      rejected++;
    }
  }
  return { items, rejected };
}

type Pass = (inputs: Input[]) => Promise<{ items: number; rejected: number }>;

async function timed(pass: Pass, inputs: Input[]): Promise<{ millis: number; items: number; rejected: number }> {
  const start = process.hrtime.bigint();
  const result = await pass(inputs);
  return { millis: Number(process.hrtime.bigint() - start) / 1e6, ...result };
}

function figures(runs: { millis: number; items: number; rejected: number }[], bytes: number): ReaderFigures {
  const millis = median(runs.map((run) => run.millis));
  const { items, rejected } = runs[0]!;
  return {
    itemsPerSecond: Math.round((items / millis) * 1000),
    megabytesPerSecond: round((bytes / MB / millis) * 1000, 2),
    items,
    rejected,
    millisPerPass: round(millis, 1),
  };
}

/**
 * Both readers over the same inputs, their passes interleaved (ours, raw, ours, raw…) so that
 * load from elsewhere on the machine hits both alike; medians, and the median of the per-pair
 * time ratios.
 */
async function throughput(inputs: Input[], passes: number): Promise<ThroughputFigures> {
  const bytes = inputs.reduce((sum, input) => sum + input.body.length, 0);
  await passOurs(inputs); // warm-up (JIT, module caches)
  await passRaw(inputs);
  const ours: Awaited<ReturnType<typeof timed>>[] = [];
  const raw: Awaited<ReturnType<typeof timed>>[] = [];
  for (let i = 0; i < passes; i++) {
    ours.push(await timed(passOurs, inputs));
    raw.push(await timed(passRaw, inputs));
  }
  return {
    documents: inputs.length,
    megabytes: round(bytes / MB, 2),
    ours: figures(ours, bytes),
    rawRssParser: figures(raw, bytes),
    timeRatio: round(median(ours.map((run, i) => run.millis / raw[i]!.millis)), 2),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs one memory case in a fresh process and returns what it printed. */
function inChild(memoryCase: string, file = ''): MemoryFigures {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--memory-case', memoryCase, file], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as MemoryFigures;
  } catch {
    return { peakRssMegabytes: Number.NaN, outcome: `failed: ${(child.stderr || child.error?.message || line).slice(0, 200)}` };
  }
}

/** The feed-reader benchmark; see the module comment. */
export async function benchFeeds(options: { passes?: number } = {}): Promise<FeedsBenchResult> {
  const passes = options.passes ?? 9;
  return {
    name: 'feeds',
    corpus: await throughput(corpusInputs(), passes),
    oneMegabyteFeed: await throughput([{ body: generateFeed(1_000_000), feedUrl: 'https://bench.example/rss' }], passes * 3),
    fiftyMegabytes: fiftyMegabytes(),
  };
}

/** The 50 MB cases, each in its own process; the document is written once to a temp file. */
function fiftyMegabytes(): FeedsBenchResult['fiftyMegabytes'] {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-feeds-'));
  const file = path.join(dir, 'fifty.xml');
  try {
    // 10 000 items of ~5 kB: the corpus README's "50 MB feed".
    writeFileSync(file, generateFeed(50 * MB, 14));
    return { fetchWithDefaultCap: inChild('fetch'), readOurs: inChild('read-ours', file), readRawRssParser: inChild('read-raw', file) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as the lines `npm run bench` prints. */
export function formatFeedsBench(result: FeedsBenchResult): string {
  const row = (label: string, t: ThroughputFigures) => [
    `  ${label}: ${t.documents} document${t.documents === 1 ? '' : 's'}, ${t.megabytes} MB`,
    `    ours            ${t.ours.itemsPerSecond.toLocaleString('en')} items/s  ${t.ours.megabytesPerSecond} MB/s  (${t.ours.items} items, ${t.ours.rejected} rejected, ${t.ours.millisPerPass} ms/pass)`,
    `    raw rss-parser  ${t.rawRssParser.itemsPerSecond.toLocaleString('en')} items/s  ${t.rawRssParser.megabytesPerSecond} MB/s  (${t.rawRssParser.items} items, ${t.rawRssParser.rejected} rejected, ${t.rawRssParser.millisPerPass} ms/pass)`,
    `    ours takes ${t.timeRatio}× raw rss-parser's time`,
  ];
  const m = result.fiftyMegabytes;
  return [
    ...row('corpus', result.corpus),
    ...row('1 MB feed', result.oneMegabyteFeed),
    '  50 MB case, peak RSS growth:',
    `    fetched with the default cap   +${m.fetchWithDefaultCap.peakRssMegabytes} MB  (${m.fetchWithDefaultCap.outcome})`,
    `    read in memory, ours           +${m.readOurs.peakRssMegabytes} MB  (${m.readOurs.outcome})`,
    `    read in memory, raw rss-parser +${m.readRawRssParser.peakRssMegabytes} MB  (${m.readRawRssParser.outcome})`,
  ].join('\n');
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Child process: one memory case, printed as one JSON line. */
async function memoryCase(name: string, file: string): Promise<MemoryFigures> {
  if (name === 'fetch') {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml' });
      let sent = 0;
      const pump = () => {
        while (sent < 50 * MB) {
          sent += chunk.length;
          if (!response.write(chunk)) return;
        }
        response.end();
      };
      response.on('drain', pump);
      response.on('close', () => (sent = Number.POSITIVE_INFINITY));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
    const before = process.memoryUsage().rss;
    let outcome = 'fetched';
    try {
      await fetchFeed(url, { allowPrivateNetwork: true });
    } catch (error) {
      outcome = (error as Error).message;
    }
    const peak = process.resourceUsage().maxRSS * 1024;
    server.closeAllConnections();
    server.close();
    return { peakRssMegabytes: round((peak - before) / MB, 1), outcome };
  }
  const body = readFileSync(file);
  const text = name === 'read-raw' ? body.toString('utf8') : undefined;
  const before = process.memoryUsage().rss;
  let outcome: string;
  if (name === 'read-ours') {
    const feed = await readFeed({ body, feedUrl: 'https://bench.example/rss', maxBytes: 64 * MB });
    outcome = `${feed.entries.length} entries read, ${feed.entriesDropped} beyond the entry cap (${(body.length / MB).toFixed(1)} MB)`;
  } else {
    const feed = await new Parser().parseString(text!);
    outcome = `${feed.items.length} items (${(body.length / MB).toFixed(1)} MB)`;
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  return { peakRssMegabytes: round((peak - before) / MB, 1), outcome };
}

const caseIndex = process.argv.indexOf('--memory-case');
if (caseIndex >= 0 && process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(JSON.stringify(await memoryCase(process.argv[caseIndex + 1] ?? '', process.argv[caseIndex + 2] ?? '')));
  process.exit(0);
}
