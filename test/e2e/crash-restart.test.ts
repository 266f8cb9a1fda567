/**
 * A crash costs seconds: `news-alerts run` killed with SIGKILL while a webhook delivery is in
 * flight, then started again on the same data folder, finishes that delivery at once instead of
 * waiting out the webhook queue's visibility timeout (180 s). Real CLI processes, a real
 * receiver, the real engines persisted in the data folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFeedsDir, serveFeedFiles, type RunningServer } from '../../cli/demo/fixture-servers.ts';

const bin = join(import.meta.dirname, '..', '..', 'cli', 'bin.js');

/** A receiver that holds the first delivery it gets (the one the kill interrupts) and answers the rest at once. */
function startHoldingReceiver() {
  const ids: string[] = [];
  const held: ServerResponse[] = [];
  let onFirst: (id: string) => void = () => {};
  const first = new Promise<string>((resolve) => (onFirst = resolve));
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      ids.push(id);
      if (ids.length === 1) {
        held.push(response);
        onFirst(id);
        return;
      }
      response.writeHead(204).end();
    });
  });
  return new Promise<{ url: string; ids: string[]; first: Promise<string>; close(): Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/hook`,
        ids,
        first,
        close: () => {
          for (const response of held) response.destroy();
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

function startRun(config: string, dataDir: string): ChildProcess {
  return spawn(process.execPath, [bin, 'run', '--config', config, '--data-dir', dataDir, '--port', '0'], {
    env: { ...process.env, ALLOW_PRIVATE_NETWORK: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('news-alerts run after SIGKILL', () => {
  let dir: string;
  let feeds: RunningServer;
  let receiver: Awaited<ReturnType<typeof startHoldingReceiver>>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'news-alerts-crash-'));
    [feeds, receiver] = await Promise.all([serveFeedFiles(demoFeedsDir, ['world-wire.xml']), startHoldingReceiver()]);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await Promise.all([feeds?.close(), receiver?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('finishes the delivery the killed process held within seconds of the restart', { timeout: 90_000 }, async () => {
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      [
        'feeds:',
        `  - { id: wire, url: "${feeds.url}/world-wire.xml" }`,
        'subscribers:',
        '  - id: team',
        '    topics: [talks, sanctions, un-meeting]',
        `    webhooks: [{ url: "${receiver.url}" }]`,
        '    webhookSecret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      ].join('\n'),
    );
    const dataDir = join(dir, 'data');

    // Killed mid-delivery: the receiver holds the first webhook, so its message is in flight.
    const first = startRun(config, dataDir);
    children.push(first);
    const heldId = await receiver.first;
    first.kill('SIGKILL');
    await exited(first);

    // Restarted: the held delivery comes again, long before its 180 s visibility timeout.
    const restartedAt = Date.now();
    const second = startRun(config, dataDir);
    children.push(second);
    let stderr = '';
    second.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    while (receiver.ids.filter((id) => id === heldId).length < 2) {
      if (second.exitCode !== null) throw new Error(`the restarted run exited: ${stderr}`);
      if (Date.now() - restartedAt > 30_000)
        throw new Error(`the held delivery did not come again within 30 s (got ${receiver.ids.length} deliveries)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Date.now() - restartedAt) / 1000;
    second.kill('SIGTERM');
    await exited(second);

    expect(seconds).toBeLessThan(30);
  });
});
