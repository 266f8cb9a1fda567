import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/aws/create-app.ts';
import { bundlingSpec } from '../../infra/aws/bundling.ts';
import { topology, type FunctionName } from '../../infra/topology.ts';
import { removeSynthesisOutputs, synthesizeStack, type SynthesizedStack } from './synth-stack.ts';
import { indexTemplate } from './template-topology.ts';

const functionNames = Object.keys(topology.functions) as FunctionName[];

describe('function bundles (local esbuild, as cdk synth builds them)', () => {
  let synthesized: SynthesizedStack;
  const bundleDirs = new Map<FunctionName, string>();

  beforeAll(() => {
    synthesized = synthesizeStack({ bundle: true });
    for (const [id, name] of indexTemplate(synthesized.json).functions) {
      // The code asset is staged as asset.<hash>/ and uploaded as <hash>.zip.
      const code = synthesized.json.Resources[id]!.Properties?.Code as { S3Key?: unknown } | undefined;
      const hash = typeof code?.S3Key === 'string' ? /^([0-9a-f]{64})\.zip$/.exec(code.S3Key)?.[1] : undefined;
      if (!hash) throw new Error(`function ${name} has no bundled code asset (${JSON.stringify(code)})`);
      bundleDirs.set(name, join(synthesized.outdir, `asset.${hash}`));
    }
    // Seven esbuild runs and a whole synthesis: over two minutes when the machine is busy.
  }, 300_000);

  afterAll(removeSynthesisOutputs);

  function bundleOf(name: FunctionName): string {
    const dir = bundleDirs.get(name);
    if (!dir) throw new Error(`no bundle for ${name}`);
    return join(dir, 'index.mjs');
  }

  it.each(functionNames)('%s is one minified ESM file with a source map and the require banner', (name) => {
    // Prepare
    const bundle = bundleOf(name);

    // Assess
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    const code = readFileSync(bundle, 'utf8');
    expect(code.startsWith(bundlingSpec.banner)).toBe(true);
    // Minified: source runs ~40 bytes a line; what newlines remain are inside strings and
    // legal comments.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it.each(functionNames)('%s leaves the AWS SDK to the Lambda runtime', (name) => {
    // Prepare
    const map = JSON.parse(readFileSync(`${bundleOf(name)}.map`, 'utf8')) as { sources: string[] };

    // Assess
    expect(map.sources.filter((source) => source.includes('node_modules/@aws-sdk/'))).toEqual([]);
    expect(map.sources.some((source) => source.endsWith(topology.functions[name].entry))).toBe(true);
  });

  it.each(functionNames)('%s loads in a fresh Node with no environment and exports a handler', (name) => {
    // Act: the handler must be lazy, reading its environment on first invocation only
    const script = `const mod = await import(${JSON.stringify(pathToFileURL(bundleOf(name)).href)});process.stdout.write(typeof mod.handler);`;
    const child = spawnSync(join(repositoryRoot, 'node_modules', '.bin', 'node'), ['--input-type=module', '--eval', script], {
      cwd: repositoryRoot,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });

    // Assess
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('function');
    expect(child.status).toBe(0);
  });
});
