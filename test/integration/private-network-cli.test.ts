/**
 * Local testing made discoverable: a feed or webhook on a loopback or private address is refused
 * where the operator names it (config file at `run`, `feeds add`, `subscribers add`), by the same
 * rule as the API, with the way to allow it; the poll-time refusal says it too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeEvent } from '../../cli/event-printer.ts';
import { runCli } from '../helpers/capture-io.ts';

const HINT = 'set ALLOW_PRIVATE_NETWORK=true to allow it (local testing only)';
const SECRET = `whsec_${Buffer.from('a test signing secret').toString('base64')}`;

describe('private addresses named by the operator', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'news-alerts-private-'));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('run refuses a loopback feed in the config file before starting, saying how to allow it', async () => {
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', '');
    const config = join(dir, 'loopback.yaml');
    await writeFile(config, 'feeds:\n  - { id: mine, url: "http://127.0.0.1:8080/feed.xml" }\n');

    const result = await runCli(['run', '--once', '--config', config, '--data-dir', join(dir, 'run-data'), '--port', '0']);

    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `news-alerts run: config file ${config}: feeds.0.url refused: 127.0.0.1 is a loopback address; ${HINT} (http://127.0.0.1:8080/feed.xml)\n`,
    );
  });

  it('feeds add refuses a localhost feed unless ALLOW_PRIVATE_NETWORK=true', async () => {
    const dataDir = join(dir, 'feeds-data');
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', '');
    const refused = await runCli(['feeds', 'add', 'mine', 'http://localhost:8080/rss', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(`news-alerts feeds: feed URL refused: localhost is a loopback address; ${HINT} (http://localhost:8080/rss)\n`);

    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    const allowed = await runCli(['feeds', 'add', 'mine', 'http://localhost:8080/rss', '--data-dir', dataDir]);
    expect(allowed.code, allowed.err).toBe(0);
  });

  it('subscribers add refuses a webhook on a private address as the API does, unless allowed', async () => {
    const dataDir = join(dir, 'subscribers-data');
    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    expect((await runCli(['feeds', 'add', 'seed', 'https://news.example.org/rss', '--data-dir', dataDir])).code).toBe(0);
    const args = ['subscribers', 'add', 'hook', '--topic', 'talks', '--secret', SECRET, '--data-dir', dataDir];

    vi.stubEnv('ALLOW_PRIVATE_NETWORK', '');
    const refused = await runCli([...args, '--webhook', 'http://10.1.2.3:9000/hook']);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      `news-alerts subscribers: --webhook refused: 10.1.2.3 is a private address; ${HINT} (http://10.1.2.3:9000/hook)\n`,
    );

    vi.stubEnv('ALLOW_PRIVATE_NETWORK', 'true');
    const allowed = await runCli([...args, '--webhook', 'http://10.1.2.3:9000/hook']);
    expect(allowed.code, allowed.err).toBe(0);
  });

  it('the poll-time refusal says how to allow it too', () => {
    const [line] = describeEvent({
      type: 'feed-polled',
      feedId: 'mine',
      url: 'http://127.0.0.1:8080/feed.xml',
      status: 'error',
      items: 0,
      new: 0,
      duplicates: 0,
      error: 'feed URL refused: 127.0.0.1 is a loopback address (http://127.0.0.1:8080/feed.xml)',
    });
    expect(line).toBe(
      `poll    mine: cannot poll: feed URL refused: 127.0.0.1 is a loopback address (http://127.0.0.1:8080/feed.xml); ${HINT}`,
    );
  });
});
