import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/aws/create-app.ts';
import { bundlingSpec } from '../../infra/aws/bundling.ts';
import { topology, type FunctionName, type TableName } from '../../infra/topology.ts';
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

  /** Every module of a function's asset: index.mjs, then its chunks. */
  function modulesOf(name: FunctionName): string[] {
    const chunks = join(dirname(bundleOf(name)), 'chunks');
    const files = existsSync(chunks) ? readdirSync(chunks).filter((file) => file.endsWith('.mjs')) : [];
    return [bundleOf(name), ...files.map((file) => join(chunks, file))];
  }

  /** index.mjs and every chunk it imports statically, however indirectly: what loads at init. */
  function modulesLoadedAtInit(name: FunctionName): string[] {
    const loaded = new Set<string>();
    const pending = [bundleOf(name)];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (loaded.has(file)) continue;
      loaded.add(file);
      // Static imports only (`from"./…"`, `import"./…"`); `import("./…")` loads later.
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*"(\.\/[^"]+\.mjs)"/g)) {
        pending.push(join(dirname(file), match[1]!));
      }
    }
    return [...loaded];
  }

  /** The sources (from the source maps) of what loads at init. */
  function sourcesLoadedAtInit(name: FunctionName): string[] {
    return modulesLoadedAtInit(name).flatMap((file) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources);
  }

  it.each(functionNames)('%s is minified ESM, index.mjs and its chunks, each with a source map and the require banner', (name) => {
    // Prepare
    const modules = modulesOf(name);

    // Assess
    expect(existsSync(bundleOf(name))).toBe(true);
    let length = 0;
    let lines = 0;
    for (const module of modules) {
      expect(existsSync(`${module}.map`)).toBe(true);
      const code = readFileSync(module, 'utf8');
      expect(code.startsWith(bundlingSpec.banner)).toBe(true);
      length += code.length;
      lines += code.split('\n').length;
    }
    // Minified: source runs ~40 bytes a line, these over 500; what newlines remain are inside strings (the
    // site's stylesheet), legal comments and the chunks' import lines.
    expect(length / lines).toBeGreaterThan(500);
  });

  it.each(functionNames)('%s leaves the AWS SDK to the Lambda runtime', (name) => {
    // Prepare
    const sources = modulesOf(name).flatMap(
      (module) => (JSON.parse(readFileSync(`${module}.map`, 'utf8')) as { sources: string[] }).sources,
    );

    // Assess
    expect(sources.filter((source) => source.includes('node_modules/@aws-sdk/'))).toEqual([]);
    expect(sourcesLoadedAtInit(name).some((source) => source.endsWith(topology.functions[name].entry))).toBe(true);
  });

  it('leaves the SMTP client out, keeps the classifier and story matcher to classify-items, and loads them, the site and the subscription code only when first needed', () => {
    // Prepare
    const atInit = (name: FunctionName, pattern: RegExp) => sourcesLoadedAtInit(name).filter((source) => pattern.test(source));
    const inAsset = (name: FunctionName, pattern: RegExp) =>
      modulesOf(name).some((module) =>
        (JSON.parse(readFileSync(`${module}.map`, 'utf8')) as { sources: string[] }).sources.some((source) => pattern.test(source)),
      );

    // Assess: in the asset, for the request or the feed that needs them, but not loaded at init.
    // A package is matched by its folder alone: the maps' paths are relative to the synthesis
    // folder, which lies inside node_modules/.cache, so they need not name node_modules.
    const nodemailer = /(?:^|\/)nodemailer\/dist\//;
    // The stack of cdk.json sends by SES: its mailing functions carry no SMTP client at all
    // (bundle-target.test.ts builds one for mailTransport=smtp, which loads it at the first send).
    for (const name of ['deliver-email', 'http-api'] as const) {
      expect(inAsset(name, nodemailer)).toBe(false);
    }
    for (const pattern of [/shared\/web\/site\.ts$/, /shared\/subscriptions\/subscription-service\.ts$/, /shared\/classify\//]) {
      expect(inAsset('http-api', pattern)).toBe(true);
      expect(atInit('http-api', pattern)).toEqual([]);
    }
    // Functions that classify nothing hold no topics: an import() of the classifier in shared code
    // would make esbuild load it at the init of every function reaching that code.
    for (const name of functionNames.filter((name) => name !== 'classify-items' && name !== 'http-api')) {
      expect(inAsset(name, /shared\/classify\/topics\//)).toBe(false);
    }
    // classify-items: the classifier (code, built-in topics, lexicon) and the story matcher at the
    // first message; poll-feed, which hands the items on, holds neither.
    for (const pattern of [
      /shared\/classify\/topic-engine\.ts$/,
      /shared\/classify\/topics\/talks\.json$/,
      /shared\/classify\/lexicon\.ts$/,
      /shared\/stories\/assign-story\.ts$/,
      /shared\/stories\/vocabulary\.ts$/,
    ]) {
      expect(inAsset('classify-items', pattern)).toBe(true);
      expect(atInit('classify-items', pattern)).toEqual([]);
      expect(inAsset('poll-feed', pattern)).toBe(false);
    }
  });

  it.each(functionNames)('%s ships no chunk it can never load', (name) => {
    // Act: every module index.mjs imports, statically or by `import("./…")`, however indirectly
    const reachable = new Set<string>();
    const pending = [bundleOf(name)];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (reachable.has(file)) continue;
      reachable.add(file);
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*"(\.\/[^"]+\.mjs)"/g)) {
        pending.push(join(dirname(file), match[1]!));
      }
    }

    // Assess: esbuild writes a chunk for each import() it reads, also in code tree shaking dropped
    expect(modulesOf(name).filter((module) => !reachable.has(module))).toEqual([]);
  });

  it.each(functionNames)('%s holds the store adapters of the tables its topology grants, and no other', (name) => {
    // Prepare: each table's adapter is one file of shared/store/dynamodb
    const adapterFiles: Record<TableName, string> = {
      feeds: 'feed-store.ts',
      items: 'seen-item-store.ts',
      stories: 'story-store.ts',
      subscriptions: 'subscription-store.ts',
      deliveries: 'delivery-store.ts',
      topics: 'topic-store.ts',
      digests: 'digest-store.ts',
      ratelimits: 'rate-limit-store.ts',
      headlines: 'headline-store.ts',
    };
    const sources = modulesOf(name).flatMap(
      (module) => (JSON.parse(readFileSync(`${module}.map`, 'utf8')) as { sources: string[] }).sources,
    );

    // Act
    const bundled = (Object.keys(adapterFiles) as TableName[]).filter((table) =>
      sources.some((source) => source.endsWith(`shared/store/dynamodb/${adapterFiles[table]}`)),
    );

    // Assess
    expect(bundled.sort()).toEqual(Object.keys(topology.functions[name].access.tables).sort());
  });

  it.each(functionNames)(
    '%s talks to SQS through our own client, its adapters loaded at the first queue call: no AWS SDK SQS package, at init or later',
    (name) => {
      // Prepare
      const code = modulesOf(name)
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');

      // Assess: the adapters are in the asset but not loaded at init; the SDK's package (external,
      // so any use would show as an import of its name) is nowhere.
      expect(sourcesLoadedAtInit(name).filter((source) => /shared\/queue\/sqs\//.test(source))).toEqual([]);
      expect(code).not.toContain('"@aws-sdk/client-sqs"');
      expect(code).toContain('AmazonSQS');
    },
  );

  it.each(functionNames)('%s talks to DynamoDB through our own client: no AWS SDK DynamoDB package imported, at init or later', (name) => {
    // Prepare
    const code = modulesOf(name)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');

    // Assess: the SDK's packages are external, so any use would show as an import of the package name.
    expect(code).not.toMatch(/"@aws-sdk\/(?:client-dynamodb|lib-dynamodb|util-dynamodb)"/);
    expect(
      sourcesLoadedAtInit(name).filter((source) => /shared\/(?:store\/dynamodb\/dynamodb-client|aws-http\/sigv4)\.ts$/.test(source)),
    ).toHaveLength(2);
  });

  it.each(functionNames)("%s does not load Node's bundled undici at init", (name) => {
    // Act: an ES import of node:http reads its lazy `WebSocket` export, which loads undici
    const script =
      `await import(${JSON.stringify(pathToFileURL(bundleOf(name)).href)});` +
      "process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));";
    const child = spawnSync(join(repositoryRoot, 'node_modules', '.bin', 'node'), ['--input-type=module', '--eval', script], {
      cwd: repositoryRoot,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });

    // Assess
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual([]);
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
