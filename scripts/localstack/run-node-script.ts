import { spawn } from 'node:child_process';

/** What a finished child process printed (stdout and stderr, interleaved) and its exit code. */
export interface ScriptRun {
  code: number | null;
  text: string;
}

/**
 * Runs a Node script (the CLI, cdklocal) on this process's Node and collects its output: the
 * smoke's steps read what it printed, or its last lines when it failed.
 */
export function runNodeScript(script: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, text: Buffer.concat(output).toString('utf8') }));
  });
}

/** The last `count` lines of a run's output, for an error message. */
export function lastLines(text: string, count: number, separator = '\n'): string {
  return text.trim().split('\n').slice(-count).join(separator);
}
