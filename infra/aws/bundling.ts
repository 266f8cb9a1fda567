/**
 * How every Lambda function is bundled, in one place: the CDK stack (a code asset built by local
 * esbuild, `functionCode`) and `scripts/measure-bundles.ts` both build with
 * `esbuildBuildOptions`, so the figures the script prints are those of what gets deployed.
 *
 * The output is ESM with code splitting: `index.mjs` (what Lambda imports at init) and, under
 * `chunks/`, the code a function loads with `import()` only when it needs it (a mail transport
 * at the first send, the charset guesser for an undeclared non-UTF-8 feed, the site's pages…).
 * Chunks the function can never load are removed after the build (`removeUnreachableChunks`).
 */
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DeploymentSettings } from './deployment-settings.ts';

/** The Lambda runtime of every function; the esbuild target follows from it. */
export const functionRuntime = Runtime.NODEJS_24_X;

/** The module Lambda loads (`index.handler`); chunks sit beside it under `chunks/`. */
export const entryFileName = 'index.mjs';

/**
 * ESM output still meets CommonJS dependencies that call `require` (nodemailer …);
 * esbuild's shim only works when a `require` is in scope, so each output file creates one. The
 * alias keeps the import from colliding with anything esbuild emits.
 */
const requireBanner =
  "import { createRequire as __newsAlertsCreateRequire } from 'node:module'; " +
  'const require = __newsAlertsCreateRequire(import.meta.url);';

/** The bundling decisions, independent of the tool that applies them. */
export const bundlingSpec = {
  format: 'esm',
  platform: 'node',
  /** `node24` for `nodejs24.x`: esbuild may keep every syntax the runtime understands. */
  target: esbuildTargetFor(functionRuntime),
  minify: true,
  sourcemap: true,
  /** Code reached only through `import()` goes to its own chunk, loaded when first used. */
  splitting: true,
  /** Dependencies' `module` entry first: ESM builds tree-shake better. */
  mainFields: ['module', 'main'],
  /** The Node.js Lambda runtime ships AWS SDK v3; bundling it again only adds cold-start time. */
  external: ['@aws-sdk/*'],
  banner: requireBanner,
  /**
   * Non-ASCII text as UTF-8, not `\uXXXX` escapes (Node reads source as UTF-8): the HTML entity
   * table and the word lists are a fifth smaller so. esbuild still escapes what UTF-8 cannot hold.
   */
  charset: 'utf8',
} as const;

/**
 * `node:http` (and `http`) as a CommonJS module exporting the built-in itself. Node builds the
 * ES module view of a built-in by reading every export, and node:http's `WebSocket` is a getter
 * that loads Node's whole bundled undici: an `import … from 'node:http'` anywhere in a bundle
 * (the HTTP router's `@middy/util`, nodemailer's chunk) cost its cold start 15–30 ms for a
 * WebSocket nothing uses. esbuild reads the named exports when they are used.
 */
const httpByRequire = join(import.meta.dirname, 'node-http-by-require.cjs');

/** What a deployment decides at synthesis that its bundles follow. */
export interface BundleTarget {
  /**
   * The deployment's mail transport: a bundle carries that transport's code only (no SMTP
   * client unless `smtp`; `shared/runtime/create-mailer.ts` then refuses `smtp`). Every
   * transport when absent.
   */
  mailTransport?: DeploymentSettings['mailTransport'];
}

/**
 * The bundle of `entry` (absolute) through esbuild's API, into `outdir` (`index.mjs` and
 * `chunks/`), for the deployment `target`.
 */
export function esbuildBuildOptions(entry: string, outdir: string, target: BundleTarget = {}): BuildOptions & { metafile: true } {
  return {
    entryPoints: { index: entry },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    write: true,
    format: bundlingSpec.format,
    platform: bundlingSpec.platform,
    target: bundlingSpec.target,
    minify: bundlingSpec.minify,
    sourcemap: bundlingSpec.sourcemap,
    splitting: bundlingSpec.splitting,
    mainFields: [...bundlingSpec.mainFields],
    external: [...bundlingSpec.external],
    banner: { js: bundlingSpec.banner },
    charset: bundlingSpec.charset,
    alias: { 'node:http': httpByRequire, http: httpByRequire },
    // Read by create-mailer.ts; esbuild folds the comparisons and drops the other transports' import().
    define: target.mailTransport ? { 'globalThis.NEWS_ALERTS_BUNDLED_MAIL_TRANSPORT': JSON.stringify(target.mailTransport) } : {},
    logLevel: 'warning',
    metafile: true,
  };
}

/**
 * A function's code asset: `entry` bundled by local esbuild (never Docker, the design requires
 * it; a failed build fails the synthesis). Hashed by its output, as NodejsFunction's assets are.
 * `NodejsFunction` cannot split code (it passes `--outfile`), hence this asset of our own.
 */
export function functionCode(rootDir: string, entry: string, target: BundleTarget = {}): Code {
  return Code.fromAsset(rootDir, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('news-alerts/no-docker-bundling'),
      // CDK caches staged assets by these options (functions left out): the entry and target tell them apart.
      command: ['esbuild', entry, `mailTransport=${target.mailTransport ?? 'any'}`],
      local: {
        tryBundle(outputDir) {
          const result = buildSync(esbuildBuildOptions(join(rootDir, entry), outputDir, target));
          removeUnreachableChunks(result.metafile, outputDir);
          return true;
        },
      },
    },
  });
}

/**
 * Deletes the chunks (and their source maps) that neither `index.mjs` nor any chunk it may load
 * imports, and returns their paths. esbuild emits a chunk for every `import()` it reads, also
 * in code that tree shaking left out: a function that takes one export of a module's index
 * (plan-polls, fan-out and http-api take a few of shared/feeds) would otherwise ship the charset
 * guesser that only feed decoding loads. `metafile` is the build's (paths relative to the
 * build's working directory); the removed outputs are dropped from it too.
 */
export function removeUnreachableChunks(metafile: Metafile, outdir: string): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => resolve(path) === resolve(outdir, entryFileName));
  if (!entry) throw new Error(`bundle pruning failed: the metafile has no output for ${entryFileName} (${outdir})`);
  const reachable = outputsReachable(metafile, entry, () => true);
  const unreachable = Object.keys(outputs).filter((path) => path.endsWith('.mjs') && !reachable.has(path));
  for (const path of unreachable) {
    rmSync(resolve(path), { force: true });
    rmSync(`${resolve(path)}.map`, { force: true });
    delete outputs[path];
    delete outputs[`${path}.map`];
  }
  return unreachable;
}

/**
 * The output `entry` and every output it imports, however indirectly, through the imports `follow`
 * accepts (static and dynamic alike, or static only: what loads at init). Externals are not outputs.
 */
export function outputsReachable(
  metafile: Metafile,
  entry: string,
  follow: (kind: Metafile['outputs'][string]['imports'][number]['kind']) => boolean,
): Set<string> {
  const reachable = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (reachable.has(path)) continue;
    reachable.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? [])
      if (!imported.external && follow(imported.kind)) pending.push(imported.path);
  }
  return reachable;
}

/** `nodejs24.x` → `node24`, as CDK's NodejsFunction does. */
function esbuildTargetFor(runtime: Runtime): string {
  const match = /^nodejs(\d+)/.exec(runtime.name);
  if (!match) throw new Error(`bundling target: runtime ${runtime.name} is not a Node.js runtime`);
  return `node${match[1]}`;
}
