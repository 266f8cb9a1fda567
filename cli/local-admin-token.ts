/**
 * The operator's token for the admin API (`/api/admin/*`) of a pipeline running on a local data
 * folder: the admin secret `news-alerts run` keeps there.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { localSecretDir } from '../infra/local/index.ts';
import { defaultDataDir } from './options.ts';

/** The admin token of a local data folder, when it has one. */
export async function localAdminToken(dataDir: string | undefined): Promise<string | undefined> {
  const file = join(localSecretDir(resolve(dataDir ?? defaultDataDir), 'admin'), 'current');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text?.trim() || undefined;
}
