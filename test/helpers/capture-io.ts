import { PassThrough } from 'node:stream';
import type { CliIo } from '../../cli/io.ts';

/** CLI streams for tests: `input` on stdin, and what the command wrote to stdout and stderr. */
export function captureIo(input = ''): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const stdin = new PassThrough();
  stdin.end(input);
  return { io: { stdin, stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
}

/** Runs the CLI in this process, as `news-alerts ARGS` would: its exit code and what it printed. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  // Loaded at the first run: tests that only capture streams do not load the CLI.
  const { main } = await import('../../cli/main.ts');
  const { io, out, err } = captureIo();
  const code = await main(args, io);
  return { code, out: out(), err: err() };
}
