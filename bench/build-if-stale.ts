import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ when a source changed since the last build: the benches that run the command
 * measure the compiled CLI, which would otherwise be the code of an older checkout.
 */
export function buildCliIfStale(): void {
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url)), '--if-stale'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
