/**
 * How every Lambda function is bundled, in one place: the CDK stack (`NodejsFunction`, local
 * esbuild) and `scripts/measure-bundles.ts` (esbuild's API) both derive their options from
 * `bundlingSpec`, so the figures the script prints are those of what gets deployed.
 */
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The Lambda runtime of every function; the esbuild target follows from it. */
export const functionRuntime = Runtime.NODEJS_24_X;

/**
 * ESM output still meets CommonJS dependencies that call `require` (nodemailer …);
 * esbuild's shim only works when a `require` is in scope, so the bundle creates one. The alias
 * keeps the import from colliding with anything esbuild emits.
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
  /** Dependencies' `module` entry first: ESM builds tree-shake better. */
  mainFields: ['module', 'main'],
  /** The Node.js Lambda runtime ships AWS SDK v3; bundling it again only adds cold-start time. */
  external: ['@aws-sdk/*'],
  banner: requireBanner,
} as const;

/** Options for `NodejsFunction`'s `bundling` prop; never Docker (the design requires it). */
export function cdkBundlingOptions(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: bundlingSpec.target,
    minify: bundlingSpec.minify,
    sourceMap: bundlingSpec.sourcemap,
    mainFields: [...bundlingSpec.mainFields],
    externalModules: [...bundlingSpec.external],
    banner: bundlingSpec.banner,
    forceDockerBundling: false,
    logLevel: LogLevel.WARNING,
  };
}

/** The same bundle through esbuild's API: `entry` (absolute) bundled into `outfile`. */
export function esbuildBuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    write: true,
    format: bundlingSpec.format,
    platform: bundlingSpec.platform,
    target: bundlingSpec.target,
    minify: bundlingSpec.minify,
    sourcemap: bundlingSpec.sourcemap,
    mainFields: [...bundlingSpec.mainFields],
    external: [...bundlingSpec.external],
    banner: { js: bundlingSpec.banner },
    logLevel: 'warning',
    metafile: true,
  };
}

/** `nodejs24.x` → `node24`, as CDK's NodejsFunction does. */
function esbuildTargetFor(runtime: Runtime): string {
  const match = /^nodejs(\d+)/.exec(runtime.name);
  if (!match) throw new Error(`bundling target: runtime ${runtime.name} is not a Node.js runtime`);
  return `node${match[1]}`;
}
