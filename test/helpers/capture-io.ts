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
