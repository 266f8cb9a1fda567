/**
 * Where the benchmarks find the labelled sets that are not in the repository: the AG News sets
 * may not be shipped (research use only), so every labelled set is read in place from the shared
 * corpus folder — `NEWS_ALERTS_CORPUS` when set, else `../shared/corpus` beside the clone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The corpus folder the benchmarks read, whether or not it exists. */
export function corpusFolder(): string {
  return process.env.NEWS_ALERTS_CORPUS ?? path.join(repoRoot, '..', 'shared', 'corpus');
}

/** The path of one labelled set in the corpus folder, or undefined when it is not there. */
export function corpusFile(name: string): string | undefined {
  const file = path.join(corpusFolder(), name);
  return existsSync(file) ? file : undefined;
}
