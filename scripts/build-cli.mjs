// Compiles the news-alerts command to JavaScript in dist/: `dist/cli/main.js` and its chunks (ESM,
// code splitting), so the published command starts without a TypeScript loader and loads a
// command's code only when that command runs. Plain JavaScript, so it runs during `npm ci` on any
// Node with no loader.
//
//   node scripts/build-cli.mjs [--if-stale]
//
// `npm install` / `npm ci` run it (`prepare`); `npm start`, `npm run demo`, `npm run news-alerts`
// and the test suite run it with `--if-stale`, which does nothing when no source changed since the
// last build.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist');
/** Written after a build; a source newer than it makes the build stale. */
const stamp = join(outdir, '.build-stamp');
/** What the CLI is built from: its folders (the local runtime imports functions/) and this script. */
const sources = ['cli', 'shared', 'infra', 'functions', 'scripts/build-cli.mjs'];
/**
 * Packages compiled into the chunks rather than imported from node_modules: pure JavaScript that
 * the light commands (topics, classify, eval) load, in hundreds of small files each (zod, yaml),
 * and what the functions' handlers wrap themselves in (middy, Powertools' logger and metrics),
 * which `run` loads with every handler: compiled in, their `node:http` is required as ours is
 * (below). The others (the AWS SDK, the embedded engines, native modules) stay imports.
 */
const inlinedPackages = new Set([
  'zod',
  'yaml',
  'entities',
  '@middy/core',
  '@middy/util',
  '@middy/http-error-handler',
  '@middy/http-router',
  '@middy/http-security-headers',
  '@middy/sqs-partial-batch-failure',
  '@aws-lambda-powertools/commons',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@aws/lambda-invoke-store',
  // fauxqs's store's cache (below).
  'toad-cache',
]);
/**
 * fauxqs's SQS engine files, compiled in through `fauxqsModulesCompiledIn` (below); its entry,
 * which builds its Fastify app, stays an import.
 */
const partlyInlinedPackages = new Set(['fauxqs']);
/**
 * `node:http` as a CommonJS module exporting the built-in (the function bundles' own, see
 * infra/aws/bundling.ts): an ES import of it makes Node build its ES module view, reading every
 * export, and its lazy `WebSocket` loads Node's bundled undici, ~60 ms of every `run` for what
 * nothing here uses.
 */
const httpByRequire = join(root, 'infra', 'aws', 'node-http-by-require.cjs');

const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false } } });
if (!values['if-stale'] || isStale()) await buildCli();

async function buildCli() {
  const { build } = await import('esbuild');
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: { 'cli/main': 'cli/main.ts' },
    outdir,
    bundle: true,
    // Each `import()` of a command, a command's task and a function's handler becomes a chunk
    // of its own, read only when that code runs; code they share goes to shared chunks.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.12',
    external: externalPackages(),
    alias: { 'node:http': httpByRequire, http: httpByRequire },
    plugins: [fauxqsModulesCompiledIn()],
    chunkNames: 'cli/chunks/[name]-[hash]',
    // The inlined CommonJS (yaml) calls require() for Node's modules; ESM has none of its own.
    banner: {
      js: "import { createRequire as __newsAlertsCreateRequire } from 'node:module'; const require = __newsAlertsCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
    metafile: true,
  });
  // Anything else from node_modules would be a package the published command cannot find at run
  // time (a devDependency) or one bundled by accident: say which, and fail.
  const strays = Object.keys(metafile.inputs).filter((input) => {
    const name = packageNameOf(input);
    return name !== undefined && !inlinedPackages.has(name) && !partlyInlinedPackages.has(name);
  });
  if (strays.length > 0) {
    throw new Error(`CLI build failed: code from packages that are not dependencies of the command (${strays.slice(0, 5).join(', ')})`);
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

/**
 * infra/local/fauxqs-modules.ts imports fauxqs's files by their path next to its entry (the
 * package exports nothing else), which esbuild cannot follow: in the build, that module is one
 * of static imports of the same files, listed in infra/local/fauxqs-module-paths.json (the list
 * that module reads too), which esbuild compiles into the chunks.
 */
function fauxqsModulesCompiledIn() {
  return {
    name: 'fauxqs-modules-compiled-in',
    setup(build) {
      build.onLoad({ filter: /[\\/]infra[\\/]local[\\/]fauxqs-modules\.ts$/ }, () => {
        const paths = fauxqsModulePaths();
        const dist = fileURLToPath(new URL('.', import.meta.resolve('fauxqs')));
        const contents = [
          ...paths.map((file, i) => `import * as m${i} from ${JSON.stringify(join(dist, file))};`),
          `const compiled = new Map([${paths.map((file, i) => `[${JSON.stringify(file)}, m${i}]`).join(', ')}]);`,
          'export async function importFauxqsModule(path) {',
          '  const module = compiled.get(path);',
          '  if (!module) throw new Error("fauxqs module not compiled into the CLI: " + path);',
          '  return module;',
          '}',
        ].join('\n');
        return { contents, loader: 'js', resolveDir: dist };
      });
    },
  };
}

/** infra/local/fauxqs-module-paths.json: fauxqs files as `./…/name.js` paths; anything else fails the build. */
function fauxqsModulePaths() {
  const file = join(root, 'infra', 'local', 'fauxqs-module-paths.json');
  const paths = JSON.parse(readFileSync(file, 'utf8'));
  const valid =
    Array.isArray(paths) && paths.length > 0 && paths.every((path) => typeof path === 'string' && /^\.\/[\w/-]+\.js$/.test(path));
  if (!valid) throw new Error(`CLI build failed: not a list of fauxqs module paths ('./sqs/sqsStore.js', …) (${file})`);
  return paths;
}

/** Every dependency but the inlined ones, with its subpaths (`@aws-sdk/lib-dynamodb`, `zod/v4`). */
function externalPackages() {
  const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.keys(dependencies)
    .filter((name) => !inlinedPackages.has(name))
    .flatMap((name) => [name, `${name}/*`]);
}

/** `zod` for `…/node_modules/zod/v4/index.js`, `@scope/name` for a scoped one; undefined for our files. */
function packageNameOf(input) {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

function isStale() {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return sources.some((source) => changedSince(join(root, source), built));
}

/** True when `path` or anything under it (a file, or a folder whose entries changed) is newer than `time`. */
function changedSince(path, time) {
  if (!existsSync(path)) return false;
  const stat = statSync(path);
  if (stat.mtimeMs > time) return true;
  if (!stat.isDirectory()) return false;
  return readdirSync(path).some((name) => changedSince(join(path, name), time));
}
