/**
 * Runs once before the suite: compiles the CLI into dist/ when a source changed since the last
 * build, so the tests that run `news-alerts` as a user does (`node cli/bin.js`, `npx news-alerts`,
 * `npm run demo`) run the code under test, not an older build.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function setup(): void {
  const script = fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url));
  execFileSync(process.execPath, [script, '--if-stale'], { stdio: 'inherit' });
}
