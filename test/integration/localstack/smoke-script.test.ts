import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm run smoke:localstack` where no LocalStack runs (this machine has no Docker): one line, and
 * exit 0 under CI=true. The full run needs Docker; docs/deploy-localstack.md says what was
 * verified where.
 */

const root = join(import.meta.dirname, '..', '..', '..');

interface Run {
  code: number | null;
  lines: string[];
}

function runSmoke(env: Record<string, string>): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'CI' && key !== 'LOCALSTACK_ENDPOINT'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'smoke-localstack.ts')], {
      cwd: root,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (stderr) reject(new Error(`the smoke script wrote to stderr: ${stderr}`));
      resolve({ code, lines: Buffer.concat(out).toString('utf8').trimEnd().split('\n') });
    });
  });
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run smoke:localstack without LocalStack', () => {
  let endpoint: string;

  beforeAll(async () => {
    endpoint = `http://127.0.0.1:${await closedPort()}`;
  });

  it('says so in one line and exits 0 under CI=true', async () => {
    const run = await runSmoke({ CI: 'true', LOCALSTACK_ENDPOINT: endpoint });

    expect(run.lines).toEqual([
      `smoke:localstack skipped (CI=true): no LocalStack reachable at ${endpoint} (ECONNREFUSED); start it with "docker compose up -d" (docs/deploy-localstack.md)`,
    ]);
    expect(run.code).toBe(0);
  });

  it('fails in one line outside CI', async () => {
    const run = await runSmoke({ LOCALSTACK_ENDPOINT: endpoint });

    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatch(/^smoke:localstack failed: no LocalStack reachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(run.code).toBe(1);
  });
});

describe('npm run smoke:localstack against a LocalStack without Lambda', () => {
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    // Answers like LocalStack's /_localstack/health, with the lambda service disabled.
    server = createServer((request, response) => {
      if (request.url !== '/_localstack/health') return void response.writeHead(404).end();
      const services = Object.fromEntries(
        ['cloudformation', 'dynamodb', 'events', 'iam', 'logs', 's3', 'secretsmanager', 'ses', 'sqs', 'ssm', 'sts'].map((name) => [
          name,
          'available',
        ]),
      );
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ services: { ...services, lambda: 'disabled' }, edition: 'community', version: '4.14.0' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('fails at the first step, naming it and the missing service, even under CI', async () => {
    const run = await runSmoke({ CI: 'true', LOCALSTACK_ENDPOINT: endpoint });

    expect(run.lines).toEqual([
      `[fail] localstack: services not available: lambda (${endpoint}/_localstack/health)`,
      expect.stringMatching(/^smoke:localstack failed after 0 step\(s\) in \d+ s$/),
    ]);
    expect(run.code).toBe(1);
  });
});
