/**
 * The `news-alerts` command as a user runs it: `node cli/bin.js …` in a child process, with its
 * own working directory and environment, its output collected, waited for line by line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout or stderr line matching `pattern`; rejects on exit or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<CliExit>;
}

/** Starts `news-alerts ARGS…` (Node running these tests, so Node 24 as npm scripts run it). */
export function startCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  return startProcess(process.execPath, [bin, ...args], options);
}

/** Starts any command (`npm run demo …`), collecting its output like `startCli`. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CliProcess {
  const child = spawn(command, [...args], {
    cwd: options.cwd ?? repositoryRoot,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const check of watchers) check();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const check of watchers) check();
  });
  const exited = new Promise<CliExit>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
      for (const check of watchers) check();
    });
  });
  let done = false;
  child.on('close', () => {
    done = true;
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        function check() {
          const line = `${stdout}\n${stderr}`.split('\n').find((candidate) => pattern.test(candidate));
          if (line !== undefined || done) {
            clearTimeout(timer);
            watchers.delete(check);
            if (line !== undefined) resolve(line);
            else reject(new Error(`exited before a line matching ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        }
        watchers.add(check);
        check();
      });
    },
  };
}

/** Runs `news-alerts ARGS…` to its end. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliExit> {
  return startCli(args, options).exited;
}

/** A port nothing listens on now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
