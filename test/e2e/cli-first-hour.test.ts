/**
 * A newcomer's first hour, through the real CLI (`node cli/bin.js` in child processes): links
 * that follow `--port`, a busy or unusable data folder and a taken port said in one sentence,
 * a confirmation email announced where it went, Ctrl-C in the demo answered with a word.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { commandModules, main } from '../../cli/main.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { type CliProcess, freePort, repositoryRoot, runCli, startCli, startProcess } from '../helpers/cli-process.ts';

/** One sentence on stderr: one line, no stack trace. */
function expectOneSentence(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('news-alerts run, as a newcomer starts it (child processes)', { timeout: 120_000 }, () => {
  let dir: string;
  let port: number;
  let running: CliProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'news-alerts-first-hour-'));
    // The shipped default config, as `npm start` reads it, without its public feeds (no network in tests).
    const config = parse(await readFile(join(repositoryRoot, 'config', 'default.yaml'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'news-alerts.yaml'), stringify({ ...config, feeds: [] }));
    port = await freePort();
    running = startCli(['run', '--port', String(port), '--data-dir', 'data'], { cwd: dir });
    await running.waitForLine(/^Press Ctrl-C to stop\.$/);
  }, 120_000);

  afterAll(async () => {
    running?.child.kill('SIGTERM');
    await running?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('sends confirmation links to the port it serves, says where the email went, and the link works', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: { kind: 'email', address: 'newcomer@example.org' }, topics: ['talks'] }),
    });
    expect(response.status).toBe(202);

    const outbox = join(dir, 'data', 'outbox');
    const line = await running.waitForLine(/^mail {4}confirmation email for /, 10_000);
    expect(line).toContain(`written to the outbox ${outbox}`);

    const [html] = (await readdir(outbox)).filter((name) => name.endsWith('.html'));
    const message = await readFile(join(outbox, html!), 'utf8');
    const link = new RegExp(`http://127\\.0\\.0\\.1:${port}/confirm\\?token=[\\w.-]+`).exec(message)?.[0];
    expect(link, message).toBeDefined();
    expect((await fetch(link!)).status).toBe(200);
  });

  it('speaks of the local outbox on the check-inbox page, not a spam folder', async () => {
    const page = await (await fetch(`http://127.0.0.1:${port}/check-inbox`)).text();
    expect(page).toContain(join(dir, 'data', 'outbox'));
    expect(page).not.toContain('spam');
  });

  it('refuses a second run or demo on the held data folder in one sentence naming the process', async () => {
    const pid = String(running.child.pid);
    for (const args of [
      ['run', '--port', '0', '--data-dir', 'data'],
      ['demo', '--data-dir', 'data'],
    ]) {
      const second = await runCli(args, { cwd: dir });
      expect(second.code, args[0]).toBe(1);
      expect(second.stderr).toContain(`data folder in use by process ${pid}`);
      expectOneSentence(second.stderr);
    }
  });

  it('says the port is taken and which one to try', async () => {
    const second = await runCli(['run', '--port', String(port), '--data-dir', 'other'], { cwd: dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^news-alerts run: port ${port} is in use: try --port \\d+\\n$`));
  });

  it('says in one sentence that a --data-dir is a file, or under one', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a folder');

    const itself = await runCli(['demo', '--data-dir', file], { cwd: dir });
    expect(itself.code).toBe(1);
    expect(itself.stderr).toContain(`data folder cannot be used: it is a file, not a folder (${file})`);
    expectOneSentence(itself.stderr);

    const under = await runCli(['run', '--once', '--data-dir', join(file, 'data')], { cwd: dir });
    expect(under.code).toBe(1);
    expect(under.stderr).toContain('data folder cannot be used: a part of its path is a file, not a folder');
    expectOneSentence(under.stderr);
  });
});

describe('a usage mistake, in any command', { timeout: 120_000 }, () => {
  it('prints one sentence and where the help is, not the usage, and exits 2', async () => {
    for (const name of Object.keys(commandModules)) {
      const { io, out, err } = captureIo();
      expect(await main([name, '--no-such-flag'], io), name).toBe(2);
      expect(out(), name).toBe('');
      expect(err(), name).toMatch(new RegExp(`^news-alerts ${name}: .+\\nRun "news-alerts ${name} --help" for usage\\.\\n$`));
    }
    // And as a newcomer meets it: subscribers add without a channel, through the real CLI.
    const real = await runCli(['subscribers', 'add', 'me', '--topic', 'talks']);
    expect(real.code).toBe(2);
    expect(real.stderr.trimEnd().split('\n')).toEqual([
      'news-alerts subscribers: subscriber is invalid: (root): needs an email or at least one webhook',
      'Run "news-alerts subscribers --help" for usage.',
    ]);
  });
});

describe('news-alerts demo, interrupted', { timeout: 120_000 }, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'news-alerts-demo-sigint-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says so on Ctrl-C, stops cleanly and exits 130', async () => {
    const dataDir = join(dir, 'demo');
    const demo = startCli(['demo', '--data-dir', dataDir]);
    // The runtime has claimed the folder once its holder file is there: the demo is under way.
    await waitFor(async () => (await readdir(dataDir).catch((): string[] => [])).includes('pid'));
    demo.child.kill('SIGINT');

    const exit = await demo.exited;
    expect(exit.code).toBe(130);
    expect(exit.stderr).toContain('demo interrupted (Ctrl-C)');
    expect(exit.stderr).not.toMatch(/^\s+at /m);
    // Stopped cleanly: the folder is released, so a new run can take it.
    expect(await readdir(dataDir)).not.toContain('pid');
  });
});

describe('news-alerts demo --json, piped', { timeout: 120_000 }, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'news-alerts-demo-json-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes JSON alone on stdout through "npm run demo --json" and "npx news-alerts demo --json"', async () => {
    const dataDir = join(dir, 'demo');
    const viaNpm = await startProcess('npm', ['run', 'demo', '--json', '--', '--data-dir', dataDir]).exited;
    expect(viaNpm.code, viaNpm.stderr).toBe(0);
    const summary = JSON.parse(viaNpm.stdout) as { alerts: { total: number } };
    expect(summary.alerts.total).toBeGreaterThan(0);
    // npm's banner went to stderr, where it does not break the pipe.
    expect(viaNpm.stderr).toContain('> news-alerts@');

    const viaNpx = await startProcess('npx', ['news-alerts', 'demo', '--json', '--data-dir', dataDir]).exited;
    expect(viaNpx.code, viaNpx.stderr).toBe(0);
    expect((JSON.parse(viaNpx.stdout) as { alerts: { total: number } }).alerts.total).toBe(0);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
