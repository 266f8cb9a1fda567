/**
 * Reads a synthesized cloud assembly the way `cdk deploy` does: the stack's template file and its
 * asset manifest, then finds each topology function's code asset (the `Code.S3Key` the template
 * points at → the manifest entry published under that key → its staged `asset.<hash>/`
 * directory), so a test can run exactly the files an operator would upload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { FunctionName } from '../../infra/topology.ts';
import { topology } from '../../infra/topology.ts';
import { indexTemplate, type CfnTemplateJson } from '../infra/template-topology.ts';

/** The part of a cloud assembly the deployed-artifact tests read. */
export interface CloudAssembly {
  outdir: string;
  /** The stack's name (its artifact id in `manifest.json`). */
  stackName: string;
  /** `<stack>.template.json`, as CloudFormation receives it. */
  template: CfnTemplateJson;
  /** Staged asset directory (absolute) by the S3 object key it is published under. */
  assetsByObjectKey: Map<string, string>;
}

/** One function's bundle as staged in the assembly. */
export interface FunctionBundle {
  name: FunctionName;
  /** The function's logical id in the template. */
  logicalId: string;
  /** The staged asset directory (`<outdir>/asset.<hash>`). */
  assetDir: string;
  /** The module Lambda loads for the template's `Handler` (`index.handler` → `<assetDir>/index.mjs`). */
  file: string;
  /** The export Lambda calls (`handler` of `index.handler`). */
  exportName: string;
}

/** The extensions Lambda's Node.js runtime tries for a handler module, in its order. */
const handlerModuleExtensions = ['.js', '.mjs', '.cjs'];

interface AssemblyManifest {
  artifacts?: Record<string, { type: string; properties?: { file?: string; templateFile?: string }; dependencies?: string[] }>;
}

interface AssetManifest {
  files?: Record<string, { source: { path: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }>;
}

/** Reads the one CloudFormation stack of the assembly in `outdir` and its file assets. */
export function readCloudAssembly(outdir: string): CloudAssembly {
  const manifest = readJson<AssemblyManifest>(join(outdir, 'manifest.json'), 'cloud assembly manifest');
  const artifacts = manifest.artifacts ?? {};
  const stacks = Object.entries(artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  const first = stacks[0];
  if (stacks.length !== 1 || !first) {
    throw new Error(`cloud assembly is not usable: it has ${stacks.length} stacks, the app has one (${outdir})`);
  }
  const [stackName, stack] = first;
  const templateFile = stack.properties?.templateFile;
  if (!templateFile) throw new Error(`cloud assembly is not usable: stack ${stackName} names no template file (${outdir})`);
  const template = readJson<CfnTemplateJson>(join(outdir, templateFile), `template of stack ${stackName}`);

  const assetsByObjectKey = new Map<string, string>();
  for (const dependency of stack.dependencies ?? []) {
    const artifact = artifacts[dependency];
    if (artifact?.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const assets = readJson<AssetManifest>(join(outdir, artifact.properties.file), `asset manifest of stack ${stackName}`);
    for (const asset of Object.values(assets.files ?? {})) {
      const dir = isAbsolute(asset.source.path) ? asset.source.path : join(outdir, asset.source.path);
      for (const destination of Object.values(asset.destinations)) assetsByObjectKey.set(destination.objectKey, dir);
    }
  }
  return { outdir, stackName, template, assetsByObjectKey };
}

/**
 * Every topology function's bundle. A function missing from the template, one whose code is not
 * a published file asset, or whose asset holds no module for its `Handler` (bundling skipped or
 * failed) throws, naming the function.
 */
export function findFunctionBundles(assembly: CloudAssembly): Map<FunctionName, FunctionBundle> {
  const logicalIds = new Map<FunctionName, string>();
  for (const [logicalId, name] of indexTemplate(assembly.template).functions) logicalIds.set(name, logicalId);

  const bundles = new Map<FunctionName, FunctionBundle>();
  for (const name of Object.keys(topology.functions) as FunctionName[]) {
    const logicalId = logicalIds.get(name);
    if (!logicalId)
      throw new Error(`function bundle not found: no AWS::Lambda::Function tagged ${name} in the template (function ${name})`);
    const code = assembly.template.Resources[logicalId]?.Properties?.Code as { S3Key?: unknown } | undefined;
    const objectKey = code?.S3Key;
    if (typeof objectKey !== 'string') {
      throw new Error(`function bundle not found: its Code has no literal S3Key (${JSON.stringify(code)}) (function ${name})`);
    }
    const assetDir = assembly.assetsByObjectKey.get(objectKey);
    if (!assetDir) throw new Error(`function bundle not found: no asset in the manifest is published as ${objectKey} (function ${name})`);
    const handler = assembly.template.Resources[logicalId]?.Properties?.Handler;
    const match = typeof handler === 'string' ? /^(.+)\.([^./]+)$/.exec(handler) : null;
    if (!match)
      throw new Error(`function bundle not found: Handler ${JSON.stringify(handler)} is not <module>.<export> (function ${name})`);
    const [, module, exportName] = match as unknown as [string, string, string];
    const file = handlerModuleExtensions.map((extension) => join(assetDir, `${module}${extension}`)).find((path) => existsSync(path));
    if (!file) {
      throw new Error(
        `function bundle not found: the asset has no ${module}.js/.mjs/.cjs, was bundling skipped? (function ${name}, ${assetDir})`,
      );
    }
    bundles.set(name, { name, logicalId, assetDir, file, exportName });
  }
  return bundles;
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(
      `cloud assembly is not usable: ${what} could not be read: ${error instanceof Error ? error.message : String(error)} (${path})`,
    );
  }
}
