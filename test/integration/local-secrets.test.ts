import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLocalSecrets, loadLocalSecrets, localSecretDir } from '../../infra/local/local-secret.ts';

describe('local secrets (the data folder)', () => {
  const dirs: string[] = [];
  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'news-alerts-secrets-'));
    dirs.push(dir);
    return dir;
  }
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('creates each secret once, readable by its owner only, and reads the same values after a restart', async () => {
    // Prepare
    const dir = await dataDir();

    // Act
    const first = await loadLocalSecrets(dir);
    const second = await loadLocalSecrets(dir);

    // Assess
    expect(second).toEqual(first);
    expect(Object.keys(first).sort()).toEqual(['admin', 'subscriber-id', 'unsubscribe']);
    expect(new Set(Object.values(first).map((v) => v.current)).size).toBe(3);
    for (const values of Object.values(first)) {
      expect(values.current.length).toBeGreaterThanOrEqual(32);
      expect(values.previous).toBeUndefined();
    }
    expect((await stat(join(localSecretDir(dir, 'unsubscribe'), 'current'))).mode & 0o777).toBe(0o600);
  });

  it('a rotation by hand: current moved to previous, a new current on the next start', async () => {
    // Prepare
    const dir = await dataDir();
    const before = await loadLocalSecrets(dir);
    const keyDir = localSecretDir(dir, 'unsubscribe');

    // Act
    await rename(join(keyDir, 'current'), join(keyDir, 'previous'));
    const after = await loadLocalSecrets(dir);

    // Assess
    expect(after.unsubscribe.previous).toBe(before.unsubscribe.current);
    expect(after.unsubscribe.current).not.toBe(before.unsubscribe.current);
    expect(after['subscriber-id']).toEqual(before['subscriber-id']);
  });

  it('moves the single-value files of older data folders: the old unsubscribe secret keeps the subscriber ids', async () => {
    // Prepare
    const dir = await dataDir();
    const oldSecret = 'old-unsubscribe-secret-0123456789abcdef';
    const oldAdmin = 'old-admin-token-0123456789abcdefghij';
    await writeFile(join(dir, 'unsubscribe-secret'), `${oldSecret}\n`);
    await writeFile(join(dir, 'admin-token'), `${oldAdmin}\n`);

    // Act
    const secrets = await loadLocalSecrets(dir);

    // Assess
    expect(secrets['subscriber-id'].current).toBe(oldSecret);
    expect(secrets.unsubscribe.current).toBe(oldSecret);
    expect(secrets.admin.current).toBe(oldAdmin);
    expect((await readFile(join(localSecretDir(dir, 'admin'), 'current'), 'utf8')).trim()).toBe(oldAdmin);
    await expect(stat(join(dir, 'unsubscribe-secret'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(dir, 'admin-token'))).rejects.toThrow(/ENOENT/);
  });

  it('generates fresh, distinct values for a runtime that keeps nothing', () => {
    const a = generateLocalSecrets();
    const b = generateLocalSecrets();
    expect(a.unsubscribe.current).not.toBe(b.unsubscribe.current);
    expect(a.admin.current).not.toBe(a.unsubscribe.current);
  });
});
