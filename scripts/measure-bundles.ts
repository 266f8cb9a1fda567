/**
 * Bundles every Lambda function exactly as the CDK stack does (`infra/aws/bundling.ts`) and
 * prints, per function, the minified size of the module Lambda imports at init (`index.mjs`)
 * and of the whole asset (with the chunks loaded by `import()` when first needed), and the
 * cold-start module-load time: a fresh Node (the project's Node 24) imports the bundle with an
 * empty environment and reports `performance.now()` around the `import()`, median of 5 runs.
 * Beside it, what was left for later: the same fresh import followed by every lazy chunk and
 * every AWS SDK client the bundle imports (the most a first invocation can add). Figures, not a test.
 *
 *   node_modules/.bin/node --import tsx scripts/measure-bundles.ts [--json] [--runs N]
 *
 * Bundles go to node_modules/.cache/news-alerts/bundles/, where Node resolves the external
 * `@aws-sdk/*` packages from the project's node_modules, as Lambda resolves them from its runtime.
 */
import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { entryFileName, esbuildBuildOptions, outputsReachable, removeUnreachableChunks } from '../infra/aws/bundling.ts';
import { repositoryRoot } from '../infra/aws/create-app.ts';
import { type DeploymentSettings, readDeploymentSettings } from '../infra/aws/deployment-settings.ts';
import { topology, type FunctionName } from '../infra/topology.ts';

/** The goals of issue 11 (small, fast-starting functions): minified size and cold module load. */
export const BUNDLE_GOALS = { maxBytes: 300_000, maxColdImportMs: 150 } as const;

export interface BundleMeasurement {
  function: FunctionName;
  entry: string;
  /**
   * What Lambda loads at init: `index.mjs` and the chunks it imports statically (code it shares
   * with a lazy chunk goes to a chunk of its own, which the entry still loads at once).
   */
  bytes: number;
  kib: number;
  /** Size of every `.mjs` of the asset: `index.mjs` and the chunks it may load later. */
  totalBytes: number;
  /** How many chunks the asset holds (static and lazy). */
  chunks: number;
  sourceMapBytes: number;
  /** Median module-load time of a fresh process, in milliseconds. */
  coldImportMs: number;
  coldImportRunsMs: number[];
  /** The packages the bundle leaves to the runtime and imports at init (the AWS SDK v3 clients). */
  externals: string[];
  /** Median time a fresh process takes to import `externals` alone: the SDK's share of the cold load. */
  externalsImportMs: number;
  /** The SDK clients only lazy chunks import, at the first invocation that needs them. */
  lazyExternals: string[];
  /** Median time of the cold import followed by every chunk and every lazy SDK client: the most a first invocation adds. */
  fullLoadMs: number;
  /** The inputs that weigh most in the bundle (bytes after minification). */
  largestInputs: { path: string; bytes: number }[];
}

const bundleRoot = join(repositoryRoot, 'node_modules', '.cache', 'news-alerts', 'bundles');
/**
 * Built as a deployment with the default settings builds them (`cdk synth` without context): its
 * mail transport (`ses`) decides which transports the mailing functions carry.
 */
function measuredMailTransport(): DeploymentSettings['mailTransport'] {
  return readDeploymentSettings(() => undefined).mailTransport;
}
const nodeBinary = join(repositoryRoot, 'node_modules', '.bin', 'node');

/** Bundles and measures one function. */
export async function measureBundle(name: FunctionName, runs: number): Promise<BundleMeasurement> {
  const entry = topology.functions[name].entry;
  const outdir = join(bundleRoot, name);
  const outfile = join(outdir, entryFileName);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build(esbuildBuildOptions(join(repositoryRoot, entry), outdir, { mailTransport: measuredMailTransport() }));
  removeUnreachableChunks(result.metafile, outdir);
  const init = initOutputs(result.metafile, outfile);
  const bytes = init.reduce((sum, path) => sum + (result.metafile.outputs[path]?.bytes ?? 0), 0);
  const chunkDir = join(outdir, 'chunks');
  const chunkFiles = existsSync(chunkDir)
    ? readdirSync(chunkDir, { withFileTypes: true })
        .filter((file) => file.isFile() && file.name.endsWith('.mjs'))
        .map((file) => join(chunkDir, file.name))
    : [];
  const totalBytes = [outfile, ...chunkFiles].reduce((sum, file) => sum + statSync(file).size, 0);
  const coldImportRunsMs = Array.from({ length: runs }, () => coldImportMs(outfile));
  const externals = externalImports(result.metafile, (path) => init.includes(path));
  const lazyExternals = externalImports(result.metafile, () => true).filter((name) => !externals.includes(name));
  const externalsImportMs = median(Array.from({ length: runs }, () => coldImportMs(outfile, { packages: externals })));
  const fullLoadMs = median(
    Array.from({ length: runs }, () => coldImportMs(outfile, { afterwards: { chunks: chunkFiles, packages: lazyExternals } })),
  );
  return {
    function: name,
    entry,
    bytes,
    kib: Math.round((bytes / 1024) * 10) / 10,
    totalBytes,
    chunks: chunkFiles.length,
    sourceMapBytes: statSync(`${outfile}.map`).size,
    coldImportMs: median(coldImportRunsMs),
    coldImportRunsMs,
    externals,
    externalsImportMs,
    lazyExternals,
    fullLoadMs,
    largestInputs: largestInputs(result.metafile, init),
  };
}

/**
 * Imports the bundle in a fresh Node process with no environment variables but PATH. With
 * `packages`, imports those instead (resolved from the bundle's folder, as the bundle does);
 * with `afterwards`, imports the bundle and then those chunks and packages, timing it all.
 */
function coldImportMs(
  bundlePath: string,
  instead: { packages?: string[]; afterwards?: { chunks: string[]; packages: string[] } } = {},
): number {
  const resolver =
    `const { createRequire } = await import('node:module');` +
    `const resolve = createRequire(${JSON.stringify(pathToFileURL(bundlePath).href)}).resolve;`;
  const importBundle =
    `const mod = await import(${JSON.stringify(pathToFileURL(bundlePath).href)});` +
    "if (typeof mod.handler !== 'function') throw new Error('bundle exports no handler');";
  const later = instead.afterwards
    ? `for (const chunk of ${JSON.stringify(instead.afterwards.chunks.map((chunk) => pathToFileURL(chunk).href))}) await import(chunk);` +
      `for (const name of ${JSON.stringify(instead.afterwards.packages)}) await import(resolve(name));`
    : '';
  const script = instead.packages
    ? `${resolver}const start = performance.now();` +
      `for (const name of ${JSON.stringify(instead.packages)}) await import(resolve(name));` +
      'process.stdout.write(String(performance.now() - start));'
    : `${resolver}const start = performance.now();${importBundle}${later}` +
      'const elapsed = performance.now() - start;' +
      'process.stdout.write(String(elapsed));';
  const child = spawnSync(nodeBinary, ['--input-type=module', '--eval', script], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
  });
  if (child.status !== 0) {
    throw new Error(`cold import failed: ${child.stderr.trim().split('\n').slice(-3).join(' | ')} (${bundlePath})`);
  }
  return Math.round(Number(child.stdout) * 10) / 10;
}

/** The entry and every output file it imports statically, however indirectly: what loads at init. */
function initOutputs(metafile: Metafile | undefined, outfile: string): string[] {
  const outputs = metafile?.outputs ?? {};
  const entry = Object.keys(outputs).find((path) => outfile.endsWith(path.replace(/^(\.\.\/)+/, '')));
  if (!metafile || !entry) throw new Error(`bundle measure failed: the metafile has no output for the entry (${outfile})`);
  return [...outputsReachable(metafile, entry, (kind) => kind === 'import-statement')];
}

/**
 * The bare packages the chosen output files import statically (external, not `node:` built-ins):
 * of the entry, what loads at init; of every file, what may load at all.
 */
function externalImports(metafile: Metafile | undefined, chosen: (outputPath: string) => boolean): string[] {
  const imports = Object.entries(metafile?.outputs ?? {})
    .filter(([path]) => path.endsWith('.mjs') && chosen(path))
    .flatMap(([, output]) => output.imports);
  const names = imports.filter((i) => i.external && i.kind !== 'dynamic-import' && !i.path.startsWith('node:')).map((i) => i.path);
  return [...new Set(names)].sort();
}

/** The inputs that weigh most in the given output files (those loaded at init). */
function largestInputs(metafile: Metafile | undefined, outputPaths: string[]): { path: string; bytes: number }[] {
  const inputs = outputPaths.flatMap((output) =>
    Object.entries(metafile?.outputs[output]?.inputs ?? {}).map(([path, input]) => ({ path, bytes: input.bytesInOutput })),
  );
  // Group by package (node_modules/<pkg> or node_modules/@scope/pkg) so the list says what to trim.
  const byPackage = new Map<string, number>();
  for (const input of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.path);
    const key = match ? match[1]! : input.path;
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytes);
  }
  return [...byPackage]
    .map(([path, bytes]) => ({ path, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round(((sorted[middle - 1]! + sorted[middle]!) / 2) * 10) / 10;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      runs: { type: 'string', default: '5' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: measure-bundles [--json] [--runs N]\n  bundle size and cold module-load time per Lambda function');
    return;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`measure-bundles: --runs must be a positive integer (got ${values.runs})`);
    process.exitCode = 2;
    return;
  }
  const measurements: BundleMeasurement[] = [];
  for (const name of Object.keys(topology.functions) as FunctionName[]) {
    measurements.push(await measureBundle(name, runs));
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        { node: spawnSync(nodeBinary, ['--version'], { encoding: 'utf8' }).stdout.trim(), runs, bundles: measurements },
        null,
        2,
      ),
    );
    return;
  }
  console.log(
    `cold import: median of ${runs} fresh processes; AWS SDK: the same for the SDK clients the bundle imports alone; built for mailTransport=${measuredMailTransport()}`,
  );
  for (const line of formatBundleTable(measurements)) console.log(line);
}

/**
 * The measurements beside the goals, one line per function, then the largest inputs of the entry.
 * `KB` and `cold ms` are the entry's (what Lambda loads at init: index.mjs and its static chunks);
 * `all KB` is the whole asset, the lazy chunks too, against the same size goal; `+ lazy ms` is
 * the cold import followed by every chunk and lazy SDK client.
 */
export function formatBundleTable(measurements: BundleMeasurement[]): string[] {
  const goalKb = BUNDLE_GOALS.maxBytes / 1000;
  const verdict = (met: boolean) => (met ? 'ok  ' : 'over');
  const lines = [
    `  function                 KB  (goal ≤ ${goalKb} KB)  all KB  (goal ≤ ${goalKb} KB)  chunks   cold ms  (goal ≤ ${BUNDLE_GOALS.maxColdImportMs} ms)  AWS SDK ms  + lazy ms  largest inputs`,
  ];
  for (const m of measurements) {
    const size = verdict(m.bytes <= BUNDLE_GOALS.maxBytes);
    const whole = verdict(m.totalBytes <= BUNDLE_GOALS.maxBytes);
    const cold = verdict(m.coldImportMs <= BUNDLE_GOALS.maxColdImportMs);
    const inputs = m.largestInputs
      .slice(0, 3)
      .map((input) => `${input.path} ${Math.round(input.bytes / 1024)}K`)
      .join(', ');
    lines.push(
      `  ${m.function.padEnd(21)} ${(m.bytes / 1000).toFixed(1).padStart(6)}  ${size}           ${(m.totalBytes / 1000).toFixed(1).padStart(6)}  ${whole}           ${String(m.chunks).padStart(6)}   ${m.coldImportMs.toFixed(1).padStart(7)}  ${cold}             ${m.externalsImportMs.toFixed(1).padStart(8)}   ${m.fullLoadMs.toFixed(1).padStart(8)}  ${inputs}`,
    );
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(`measure-bundles: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
