/**
 * fauxqs's SQLite commits without an fsync (`synchronous = NORMAL` on its WAL), and what a call
 * committed still survives the process being killed right after: the sends, receives and deletes
 * of a process killed with SIGKILL are all there when the engine starts again on its folder.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localRegion, startFauxqsEngine } from '../../../infra/local/engines.ts';
import { openFauxqsSqs } from '../../../infra/local/fauxqs-sqs.ts';
import { commitWithoutFsync } from '../../../infra/local/fauxqs-sync.ts';

const root = join(import.meta.dirname, '..', '..', '..');

/** Sends 10 messages, receives 3 of them and deletes 1 through the runtime's engine and client, then kills its own process. */
const crashingProcess = `
import { startFauxqsEngine } from './infra/local/engines.ts';
import { createSqsClient } from './shared/queue/sqs/sqs-client.ts';
const engine = await startFauxqsEngine({ dataDir: process.argv[1] });
const sqs = createSqsClient({ transport: engine.directTransport });
const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'kept', Attributes: { VisibilityTimeout: '600' } });
await sqs.call('SendMessageBatch', { QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: 'm' + i, MessageBody: 'message ' + i })) });
const { Messages = [] } = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 3 });
await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle });
process.kill(process.pid, 'SIGKILL');
`;

describe("fauxqs's SQLite without an fsync per commit", () => {
  const folders: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'news-alerts-fauxqs-sync-'));
    folders.push(dir);
    return dir;
  };

  afterEach(() => {
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('sets synchronous = NORMAL on the database of a fauxqs with a data folder, and leaves one in memory alone', async () => {
    // Prepare
    const persisted = await openFauxqsSqs({ dataDir: folder() });
    const inMemory = await openFauxqsSqs();
    const db = (persisted.router.store as unknown as { persistence: { db: { prepare(sql: string): { get(): unknown } } } }).persistence.db;
    const before = db.prepare('PRAGMA synchronous').get();

    try {
      // Act
      commitWithoutFsync(persisted.router.store);
      commitWithoutFsync(inMemory.router.store);

      // Assess
      expect(before).toEqual({ synchronous: 2 });
      expect(db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(inMemory.router.store.persistence).toBeUndefined();
    } finally {
      persisted.close();
      inMemory.close();
    }
  });

  it('keeps every send, receive and delete of a process killed right after them', async () => {
    // Prepare
    const dataDir = folder();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', crashingProcess, dataDir], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));

    // Act
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, killed) => resolve(killed)));
    const engine = await startFauxqsEngine({ dataDir });

    // Assess
    try {
      expect(signal, stderr).toBe('SIGKILL');
      const queue = engine.server.inspectQueue('kept');
      expect(queue?.messages.ready.map((message) => message.body).sort()).toEqual([
        'message 3',
        'message 4',
        'message 5',
        'message 6',
        'message 7',
        'message 8',
        'message 9',
      ]);
      expect(queue?.messages.inflight.map((entry) => entry.message.body).sort()).toEqual(['message 1', 'message 2']);
      expect(queue?.arn).toContain(localRegion);
    } finally {
      await engine.stop();
    }
  });
});
