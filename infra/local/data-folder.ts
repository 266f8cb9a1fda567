/**
 * The data folder of one-process mode: made usable (created, writable) and claimed before any
 * engine opens it. LevelDB allows one process per folder, and dynalite would only fail on its
 * first request, outside any promise ("Database is closed"); checking first turns a busy, missing
 * or unusable folder into one sentence.
 */
import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../shared/core/errors.ts';

/** Where the process holding the folder writes its id, so a second one can name it. */
const PID_FILE = 'pid';

/**
 * Creates `dataDir` if needed and checks that it is a writable folder.
 *
 * @throws ConfigError naming the folder and why it cannot be used (a file, no permission …).
 */
export function prepareDataFolder(dataDir: string): void {
  try {
    if (statSync(dataDir, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new ConfigError(`data folder cannot be used: it is a file, not a folder (${dataDir})`);
    }
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`data folder cannot be used: ${fileSystemReason(error)} (${dataDir})`, { cause: error });
  }
}

/** Why a file-system call failed, in words; the code when it is not one we expect. */
function fileSystemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of its path is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'no permission to write there';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/**
 * Fails when another process holds the folder's DynamoDB store (`<dataDir>/dynamodb`): a running
 * `news-alerts run` or `demo`. The lock is taken and released at once; the engine takes it next.
 *
 * @throws ConfigError "data folder in use by process N …".
 */
export async function assertDataFolderFree(dataDir: string): Promise<void> {
  const { Level } = await import('level');
  const db = new Level(join(dataDir, 'dynamodb'));
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      const pid = holderOf(dataDir);
      throw new ConfigError(
        `data folder in use by ${pid ? `process ${pid}` : 'another process'} (a running "news-alerts run" or "demo"): stop it first, or pass another --data-dir (${dataDir})`,
      );
    }
    throw new ConfigError(`data folder cannot be used: ${(error as Error).message} (${dataDir})`, { cause: error });
  }
  await db.close();
}

/** Writes this process's id into the folder; returns the undo. */
export function recordDataFolderHolder(dataDir: string): () => void {
  const path = join(dataDir, PID_FILE);
  writeFileSync(path, `${process.pid}\n`);
  return () => {
    if (holderOf(dataDir) === String(process.pid)) rmSync(path, { force: true });
  };
}

function holderOf(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, PID_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
