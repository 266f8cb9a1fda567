/**
 * Operator commands while `news-alerts run` is up, through real CLI child processes: `feeds`,
 * `subscribers` and `dlq` reach the running pipeline's engines through `<data-dir>/running.json`
 * (mode 0600) instead of answering "data folder in use", and the pipeline sees their changes.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'cli', 'bin.js');
const execFileAsync = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, out: failed.stdout ?? '', err: failed.stderr ?? '' };
  }
}

describe('feeds, subscribers and dlq while run is up', () => {
  let dir: string;
  let dataDir: string;
  let run: ChildProcess;
  let runOutput = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-while-running-'));
    dataDir = join(dir, 'data');
    const config = join(dir, 'config.yaml');
    await writeFile(config, 'feeds:\n  - { id: configured, url: "https://configured.example.org/rss" }\n');
    run = spawn(process.execPath, [bin, 'run', '--config', config, '--data-dir', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ALLOW_PRIVATE_NETWORK: 'false' },
    });
    run.stdout!.on('data', (chunk: Buffer) => {
      runOutput += chunk.toString();
    });
    run.stderr!.on('data', (chunk: Buffer) => {
      runOutput += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`run did not start:\n${runOutput}`)), 90_000);
      const check = () => {
        if (runOutput.includes('Press Ctrl-C to stop.')) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 100);
      };
      run.once('exit', (code) => reject(new Error(`run exited with ${code}:\n${runOutput}`)));
      check();
    });
  }, 120_000);

  afterAll(async () => {
    if (run.exitCode === null) {
      run.kill('SIGINT');
      await new Promise((resolve) => run.once('exit', resolve));
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('add, list and remove feeds and subscribers, and list dead letters, through the running pipeline', async () => {
    const running = join(dataDir, 'running.json');
    expect(statSync(running).mode & 0o777).toBe(0o600);

    const added = await cli(['feeds', 'add', 'extra', 'https://extra.example.org/rss', '--data-dir', dataDir]);
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(
      /^added feed extra \(https:\/\/extra\.example\.org\/rss\) in data folder .* \(through the running pipeline, process \d+\)/,
    );

    const feeds = JSON.parse((await cli(['feeds', 'list', '--json', '--data-dir', dataDir])).out) as { feedId: string }[];
    expect(feeds.map((feed) => feed.feedId)).toEqual(['configured', 'extra']);

    const subscriber = await cli(['subscribers', 'add', 'ops', '--email', 'ops@example.org', '--topic', 'talks', '--data-dir', dataDir]);
    expect(subscriber).toMatchObject({ code: 0, err: '' });
    const subscribers = await cli(['subscribers', 'list', '--json', '--data-dir', dataDir]);
    expect(subscribers.out).toContain('"ops"');

    const dlq = await cli(['dlq', 'list', '--json', '--data-dir', dataDir]);
    expect(dlq).toMatchObject({ code: 0, err: '' });

    expect((await cli(['feeds', 'remove', 'extra', '--data-dir', dataDir])).code).toBe(0);
    expect((await cli(['subscribers', 'remove', 'ops', '--data-dir', dataDir])).code).toBe(0);
    const after = JSON.parse((await cli(['feeds', 'list', '--json', '--data-dir', dataDir])).out) as { feedId: string }[];
    expect(after.map((feed) => feed.feedId)).toEqual(['configured']);

    // The pipeline itself kept running all along and stops cleanly, taking running.json with it.
    expect(run.exitCode).toBeNull();
    run.kill('SIGINT');
    const code = await new Promise((resolve) => run.once('exit', resolve));
    expect(code).toBe(0);
    expect(existsSync(running)).toBe(false);
    const stopped = await cli(['feeds', 'list', '--data-dir', dataDir]);
    expect(stopped.code).toBe(0);
    expect(stopped.out).not.toContain('through the running pipeline');
  }, 180_000);
});
