/**
 * The published command as it runs after `npm install`: `node cli/bin.js` on the compiled CLI in
 * dist/, with no loader (no tsx, no NODE_OPTIONS). Each run is traced by
 * `test/helpers/trace-modules.mjs`, which lists the modules the process loaded; the sources in a
 * chunk are read from the `// path/to/source.ts` line esbuild writes before each one.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFeedFiles, demoFeedsDir, serveFeedFiles } from '../../cli/demo/fixture-servers.ts';
import { topology } from '../../infra/topology.ts';
import { repositoryRoot } from '../helpers/cli-process.ts';

const bin = join(repositoryRoot, 'cli', 'bin.js');
const tracer = fileURLToPath(new URL('../helpers/trace-modules.mjs', import.meta.url));
const chunksDir = join(repositoryRoot, 'dist', 'cli', 'chunks');

interface TracedRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every module URL the process loaded, in order. */
  loaded: string[];
}

let traceDir: string;
let traces = 0;

/** Runs `node cli/bin.js ARGS…` with the tracer preloaded and no NODE_OPTIONS (`extraEnv` added). */
async function runCompiled(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<TracedRun> {
  const traceFile = join(traceDir, `trace-${traces++}.txt`);
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', tracer, bin, ...args],
      { cwd: traceDir, env: { ...env, ...extraEnv, NO_COLOR: '1', TRACE_MODULES_FILE: traceFile } },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
  const loaded = (await readFile(traceFile, 'utf8')).split('\n').filter(Boolean);
  return { code, stdout, stderr, loaded };
}

/** The source files whose code is in the chunks `urls` name (esbuild's `// cli/main.ts` lines). */
async function sourcesIn(urls: readonly string[]): Promise<string[]> {
  const chunks = urls.filter((url) => url.startsWith('file:') && url.includes('/dist/'));
  const texts = await Promise.all(chunks.map((url) => readFile(fileURLToPath(url), 'utf8')));
  return texts.flatMap((text) => [...text.matchAll(/^\/\/ ((?:cli|shared|infra|functions)\/\S+\.(?:ts|json))$/gm)].map((m) => m[1]!));
}

/** The compiled chunks among `urls` that import an AWS SDK package statically (a dynamic `import()` runs only when reached). */
async function chunksImportingTheSdk(urls: readonly string[]): Promise<string[]> {
  const chunks = urls.filter((url) => url.startsWith('file:') && url.includes('/dist/'));
  const texts = await Promise.all(chunks.map(async (url) => [url, await readFile(fileURLToPath(url), 'utf8')] as const));
  return texts.filter(([, text]) => /\bfrom\s*["']@aws-sdk\/|^import\s*["']@aws-sdk\//m.test(text)).map(([url]) => url);
}

/** Nothing in the run went through a TypeScript loader. */
function expectNoLoader(run: TracedRun): void {
  expect(run.loaded.filter((url) => url.includes('/node_modules/tsx/'))).toEqual([]);
  expect(run.loaded.filter((url) => url.endsWith('.ts'))).toEqual([]);
}

describe('the compiled news-alerts command', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    // The suite's global setup builds dist/ when stale; building here keeps this file runnable alone.
    execFileSync(process.execPath, [join(repositoryRoot, 'scripts', 'build-cli.mjs'), '--if-stale']);
    traceDir = await mkdtemp(join(tmpdir(), 'news-alerts-compiled-'));
  });
  afterAll(async () => {
    await rm(traceDir, { recursive: true, force: true });
  });

  it('prints the help from the dispatcher and the declarations alone: no package, no pipeline module', async () => {
    const run = await runCompiled(['--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: news-alerts <command> [options]');
    expect(run.stdout).toMatch(/^ {2}topics +list the topics/m);
    expect(run.stderr).toBe('');
    expectNoLoader(run);
    // Our files only: the bin and compiled chunks; not one module from node_modules.
    const files = run.loaded.filter((url) => url.startsWith('file:'));
    expect(files.filter((url) => url.includes('/node_modules/'))).toEqual([]);
    expect(files.every((url) => url.endsWith('/cli/bin.js') || url.includes('/dist/cli/'))).toBe(true);

    const sources = await sourcesIn(run.loaded);
    expect(sources).toContain('cli/main.ts');
    expect(sources).toContain('cli/commands/topics.ts');
    const pipeline = sources.filter(
      (source) =>
        source.startsWith('cli/tasks/') ||
        source.startsWith('functions/') ||
        source.startsWith('infra/local/') ||
        (source.startsWith('shared/') && !source.startsWith('shared/core/')),
    );
    expect(pipeline).toEqual([]);
  });

  it('lists the topics as JSON, loading the classifier but no TypeScript loader', async () => {
    const run = await runCompiled(['topics', 'list', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const topics = JSON.parse(run.stdout) as { id: string; source: string }[];
    expect(topics.map((topic) => topic.id)).toEqual(expect.arrayContaining(['un-meeting', 'talks', 'sanctions']));
    expect(topics.every((topic) => topic.source === 'built-in')).toBe(true);
    expectNoLoader(run);
    expect(await sourcesIn(run.loaded)).toContain('cli/tasks/topics.ts');
  });

  it('classifies a sentence', async () => {
    const run = await runCompiled(['classify', 'Russia and Ukraine resume peace talks in Istanbul']);
    expect(run.code, run.stderr).toBe(0);
    const line = JSON.parse(run.stdout) as { topics: { topic: string }[] };
    expect(line.topics.map((match) => match.topic)).toContain('talks');
    expectNoLoader(run);
  });

  it("prints the package's version, read from the package root rather than beside the chunk", async () => {
    const pkg = JSON.parse(await readFile(join(repositoryRoot, 'package.json'), 'utf8')) as { version: string };
    const run = await runCompiled(['--version']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it('runs the pipeline once, and opens its data folder after, without the AWS SDK: our clients make the tables and queues', async () => {
    // Prepare
    const feeds = await serveFeedFiles(demoFeedsDir, demoFeedFiles);
    const config = join(traceDir, 'run-once.yaml');
    const dataDir = join(traceDir, 'run-once-data');
    await writeFile(
      config,
      [
        'feeds:',
        `  - { id: wire, url: "${feeds.url}/world-wire.xml" }`,
        'subscribers:',
        '  - { id: reader, email: reader@example.org, topics: [talks, sanctions] }',
      ].join('\n'),
    );
    const privateNetwork = { ALLOW_PRIVATE_NETWORK: 'true' };

    try {
      // Act
      const run = await runCompiled(['run', '--once', '--config', config, '--data-dir', dataDir, '--port', '0'], privateNetwork);
      const list = await runCompiled(['feeds', 'list', '--json', '--data-dir', dataDir], privateNetwork);

      // Assess
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^done: 1 feeds? polled/m);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ feedId: 'wire' })]);
      for (const traced of [run, list]) {
        expectNoLoader(traced);
        // fauxqs, the SQS engine, brings its own SQS client; nothing of ours imports the SDK.
        expect(traced.loaded.filter((url) => /\/node_modules\/@aws-sdk\/(client-dynamodb|lib-dynamodb)\//.test(url))).toEqual([]);
        expect(await chunksImportingTheSdk(traced.loaded)).toEqual([]);
      }
      expect(await sourcesIn(run.loaded)).toContain('infra/local/provision.ts');
    } finally {
      await feeds.close();
    }
  });

  it("compiles every function's handler for the local runtime, each in a chunk of its own", async () => {
    const names = await readdir(chunksDir);
    const handlerSources = await sourcesIn(names.map((name) => `file://${join(chunksDir, name)}`));
    for (const spec of Object.values(topology.functions)) expect(handlerSources).toContain(spec.entry);
  });
});

/** The system's own Node, when it is older than the project needs (Node 20 on the CI machine). */
function olderSystemNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      const [major = 0, minor = 0] = version.slice(1).split('.').map(Number);
      if (major < 22 || (major === 22 && minor < 12)) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

describe('news-alerts on a Node older than it needs', () => {
  const node = olderSystemNode();
  it.skipIf(node === undefined)('says which Node it needs and how to run it, in one sentence', async () => {
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(node as string, [bin, '--help'], (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }));
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^news-alerts needs Node\.js 22\.12 or later \(this is v\d+\.\d+\.\d+\): run it as "npx news-alerts …"/);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
