/**
 * How operator commands reach a running `news-alerts run`: while it runs, the runtime keeps
 * `<data-dir>/running.json` (mode 0600) naming its process and the loopback endpoints of its
 * embedded engines. LevelDB lets one process open the folder; the engines, though, are servers
 * that take any number of clients, with DynamoDB's semantics (conditional writes), exactly as a
 * deployed stack's tables take an operator's writes while its functions run. The file holds no
 * secret: the engines already listen on 127.0.0.1 only, to any local process.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const runningSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  dynamodb: z.url(),
  sqs: z.url(),
  api: z.url(),
});

/** What a running pipeline says about itself. */
export type RunningPipeline = z.infer<typeof runningSchema>;

function runningFile(dataDir: string): string {
  return join(dataDir, 'running.json');
}

/** Written once the runtime serves; removed before it stops. */
export async function writeRunningPipeline(dataDir: string, running: RunningPipeline): Promise<void> {
  await writeFile(runningFile(dataDir), `${JSON.stringify(running, null, 2)}\n`, { mode: 0o600 });
}

export async function removeRunningPipeline(dataDir: string): Promise<void> {
  await rm(runningFile(dataDir), { force: true });
}

/**
 * The running pipeline of a data folder, or undefined when none is: no file, an unreadable one,
 * or one left by a process that is gone (killed without its cleanup).
 */
export async function readRunningPipeline(dataDir: string): Promise<RunningPipeline | undefined> {
  let text: string;
  try {
    text = await readFile(runningFile(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: ReturnType<typeof runningSchema.safeParse>;
  try {
    parsed = runningSchema.safeParse(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!parsed.success || !isAlive(parsed.data.pid)) return undefined;
  return parsed.data;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
