/**
 * Files the package ships beside its code (the default config, the demo's feeds, package.json),
 * found from the package's root. The CLI runs from its sources (`cli/…`) in tests and compiled
 * into `dist/cli/…` (chunks one folder deeper) as the published command, so a path relative to
 * the importing module would differ between the two; the root is the same for both.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../shared/core/errors.ts';

let root: string | undefined;

/** The absolute path of `relativePath` (`config/default.yaml`) in the package. */
export function packagePath(relativePath: string): string {
  root ??= findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return join(root, relativePath);
}

/** The nearest folder up from `start` holding a package.json: the package's own (dist/ has none). */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new ConfigError(`package root not found: no package.json above the CLI's code (${start})`);
  }
}
