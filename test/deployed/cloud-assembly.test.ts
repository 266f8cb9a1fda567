import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topologyTagKeys } from '../../infra/aws/resource-tags.ts';
import { topology, type FunctionName } from '../../infra/topology.ts';
import { findFunctionBundles, readCloudAssembly } from './cloud-assembly.ts';

const functionNames = Object.keys(topology.functions) as FunctionName[];
const hashOf = (name: string) =>
  name
    .replace(/[^a-z]/g, '')
    .padEnd(64, '0')
    .slice(0, 64);

/**
 * A hand-built cloud assembly in the layout `cdk synth` writes: manifest.json naming the stack's
 * template and asset manifest, and one staged `asset.<hash>/` per function.
 */
function writeAssembly(
  outdir: string,
  options: { skip?: { asset?: FunctionName; manifestEntry?: FunctionName; function?: FunctionName }; handler?: string } = {},
): void {
  const resources: Record<string, unknown> = {};
  const files: Record<string, unknown> = {};
  for (const name of functionNames) {
    if (options.skip?.function === name) continue;
    const hash = hashOf(name);
    resources[`Fn${hash.slice(0, 8)}`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JavaScript template
        Code: { S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: `${hash}.zip` },
        Handler: options.handler ?? 'index.handler',
        Runtime: 'nodejs24.x',
        Tags: [{ Key: topologyTagKeys.function, Value: name }],
      },
    };
    if (options.skip?.manifestEntry !== name) {
      files[hash] = { source: { path: `asset.${hash}`, packaging: 'zip' }, destinations: { current: { objectKey: `${hash}.zip` } } };
    }
    if (options.skip?.asset !== name) {
      mkdirSync(join(outdir, `asset.${hash}`), { recursive: true });
      writeFileSync(join(outdir, `asset.${hash}`, 'index.mjs'), 'export const handler = () => 1;');
    }
  }
  writeFileSync(join(outdir, 'NewsAlerts.template.json'), JSON.stringify({ Resources: resources }));
  writeFileSync(join(outdir, 'NewsAlerts.assets.json'), JSON.stringify({ version: '55.0.0', files }));
  writeFileSync(
    join(outdir, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        'NewsAlerts.assets': { type: 'cdk:asset-manifest', properties: { file: 'NewsAlerts.assets.json' } },
        NewsAlerts: {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: 'NewsAlerts.template.json' },
          dependencies: ['NewsAlerts.assets'],
        },
        Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
      },
    }),
  );
}

describe('findFunctionBundles', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'news-alerts-assembly-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it('maps each function to the asset its Code.S3Key is published from', () => {
    // Prepare
    writeAssembly(outdir);

    // Act
    const bundles = findFunctionBundles(readCloudAssembly(outdir));

    // Assess
    expect([...bundles.keys()].sort()).toEqual([...functionNames].sort());
    const fanOut = bundles.get('fan-out')!;
    expect(fanOut.assetDir).toBe(join(outdir, `asset.${hashOf('fan-out')}`));
    expect(fanOut.file).toBe(join(fanOut.assetDir, 'index.mjs'));
    expect(fanOut.exportName).toBe('handler');
  });

  it('fails by name for a function whose staged asset has no handler module (bundling skipped)', () => {
    // Prepare
    writeAssembly(outdir, { skip: { asset: 'deliver-email' } });

    // Act + Assess
    expect(() => findFunctionBundles(readCloudAssembly(outdir))).toThrow(
      /^function bundle not found: the asset has no index\.js\/\.mjs\/\.cjs, was bundling skipped\? \(function deliver-email, /,
    );
  });

  it('fails by name for a function whose code is published by no asset of the manifest', () => {
    // Prepare
    writeAssembly(outdir, { skip: { manifestEntry: 'poll-feed' } });

    // Act + Assess
    expect(() => findFunctionBundles(readCloudAssembly(outdir))).toThrow(
      `function bundle not found: no asset in the manifest is published as ${hashOf('poll-feed')}.zip (function poll-feed)`,
    );
  });

  it('fails by name for a topology function the template lacks', () => {
    // Prepare
    writeAssembly(outdir, { skip: { function: 'send-digests' } });

    // Act + Assess
    expect(() => findFunctionBundles(readCloudAssembly(outdir))).toThrow(
      'function bundle not found: no AWS::Lambda::Function tagged send-digests in the template (function send-digests)',
    );
  });

  it('fails by name for a Handler that names no module and export', () => {
    // Prepare
    writeAssembly(outdir, { handler: 'index' });

    // Act + Assess
    expect(() => findFunctionBundles(readCloudAssembly(outdir))).toThrow(
      /^function bundle not found: Handler "index" is not <module>\.<export> \(function /,
    );
  });

  it('says which file is missing when the directory is no cloud assembly', () => {
    // Act + Assess
    expect(() => readCloudAssembly(outdir)).toThrow(
      /^cloud assembly is not usable: cloud assembly manifest could not be read: .*manifest\.json\)$/,
    );
  });
});
