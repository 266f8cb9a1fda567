import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Module boundaries: domain code never imports the AWS SDK; only adapters (and the one
 * dependency factory) do, so every port can be backed by another engine in tests.
 */

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const adapterPaths = [/^shared\/store\/dynamodb\//, /^shared\/queue\/sqs\//, /^shared\/mail\/ses\//, /^shared\/runtime\/create-deps\.ts$/];

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);
}

describe('import graph', () => {
  const files = sourceFiles(join(root, 'shared')).map((f) => relative(root, f));

  it('has domain modules to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('keeps @aws-sdk imports inside adapters', () => {
    const offenders = files
      .filter((file) => !adapterPaths.some((p) => p.test(file)))
      .flatMap((file) => importsOf(join(root, file)).filter((spec) => spec.startsWith('@aws-sdk/')).map((spec) => `${file} → ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('keeps shared/ independent of the runtimes, the CLI and the handlers', () => {
    const offenders = files.flatMap((file) =>
      importsOf(join(root, file))
        .filter((spec) => /(^|\/)(infra\/(aws|local)|cli|functions)\//.test(spec))
        .map((spec) => `${file} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
