import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SecretValues } from '../../shared/parameters/secret-source.ts';
import type { SecretName } from '../topology.ts';

/**
 * The secrets of one-process mode, the counterpart of the stack's Secrets Manager secrets: one
 * folder per secret under `<data-dir>/secrets/`, holding `current` (created on first start) and,
 * after a rotation, `previous`. Kept so links in emails already sent stay valid across restarts.
 * To rotate: move `current` to `previous` and restart; a new `current` is generated.
 */
export const localSecretNames: readonly SecretName[] = ['unsubscribe', 'subscriber-id', 'admin'];

/** `<data-dir>/secrets/<name>`: where a secret's `current` and `previous` files live. */
export function localSecretDir(dataDir: string, name: SecretName): string {
  return join(dataDir, 'secrets', name);
}

/** Files of data folders from before versioned keys: one value each, no previous. */
const legacyFiles: Record<SecretName, string> = {
  unsubscribe: 'unsubscribe-secret',
  // Subscriber ids were derived with the unsubscribe secret: the same value keeps them.
  'subscriber-id': 'unsubscribe-secret',
  admin: 'admin-token',
};

/** Reads (creating what is missing) every local secret of the data folder. */
export async function loadLocalSecrets(dataDir: string): Promise<Record<SecretName, SecretValues>> {
  const values = {} as Record<SecretName, SecretValues>;
  for (const name of localSecretNames) {
    const dir = localSecretDir(dataDir, name);
    const legacy = await readSecretFile(join(dataDir, legacyFiles[name]));
    const current = await loadOrCreateSecret(join(dir, 'current'), legacy);
    const previous = await readSecretFile(join(dir, 'previous'));
    values[name] = previous === undefined ? { current } : { current, previous };
  }
  // Only once every secret has its own file: the legacy values have moved.
  await Promise.all([...new Set(Object.values(legacyFiles))].map((file) => rm(join(dataDir, file), { force: true })));
  return values;
}

/** Fresh values for a runtime that keeps nothing (in-memory mode, tests). */
export function generateLocalSecrets(): Record<SecretName, SecretValues> {
  return Object.fromEntries(localSecretNames.map((name) => [name, { current: newSecret() }])) as Record<SecretName, SecretValues>;
}

/**
 * A secret created once (from `seed` when given, else random) and kept in `path` (mode 0600),
 * so it survives restarts.
 */
export async function loadOrCreateSecret(path: string, seed?: string): Promise<string> {
  const existing = await readSecretFile(path);
  if (existing !== undefined) return existing;
  const secret = seed ?? newSecret();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // 'wx' fails if another process created it meanwhile; then read what it wrote.
  try {
    await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(path, 'utf8')).trim();
  }
}

/** The trimmed content of a secret file, or undefined when it is missing or too short to be a key. */
async function readSecretFile(path: string): Promise<string | undefined> {
  try {
    const value = (await readFile(path, 'utf8')).trim();
    return value.length >= 32 ? value : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return undefined;
  }
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
