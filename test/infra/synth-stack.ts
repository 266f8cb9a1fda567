/**
 * Synthesizes the news-alerts app once per test process and shares the result between the
 * tests of a file. The app is the one `cdk synth` runs (`createNewsAlertsApp`) with the
 * context of `cdk.json`, so the tests check the template operators deploy.
 *
 * Most tests assert template properties, which do not depend on the bundles; they synthesize
 * with bundling skipped (CDK's own `aws:cdk:bundling-stacks` switch, as `cdk synth
 * --exclusively` uses), which takes a second instead of several. `bundles.test.ts` asks for
 * real bundles.
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { App } from 'aws-cdk-lib';
import type { AwsSolutionsChecks } from 'cdk-nag';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNewsAlertsApp, repositoryRoot } from '../../infra/aws/create-app.ts';
import type { NewsAlertsStack } from '../../infra/aws/news-alerts-stack.ts';
import type { CfnTemplateJson } from './template-topology.ts';

export interface SynthesizedStack {
  app: App;
  stack: NewsAlertsStack;
  template: Template;
  /** The template as JSON, for `topologyFromTemplate` and hand-written walks. */
  json: CfnTemplateJson;
  nagChecks: AwsSolutionsChecks;
  /** The cloud assembly directory (bundled assets live here when `bundle` is set). */
  outdir: string;
}

export interface SynthesizeOptions {
  /** Run esbuild for every function (slow); otherwise bundling is skipped. */
  bundle?: boolean;
  /** CDK context over cdk.json's (deployment settings such as `mailTransport`). */
  context?: Record<string, unknown>;
}

const cache = new Map<string, SynthesizedStack>();
const outdirs: string[] = [];

/** The synthesized stack; the first call synthesizes, later calls reuse it. */
export function synthesizeStack(options: SynthesizeOptions = {}): SynthesizedStack {
  const bundle = options.bundle ?? false;
  const key = JSON.stringify({ bundle, context: options.context ?? {} });
  const cached = cache.get(key);
  if (cached) return cached;

  // Bundles live under node_modules so that importing one resolves `@aws-sdk/*` (external, as
  // in Lambda's runtime) from the project's packages.
  const outdir = bundle ? mkdtempSync(join(bundleCacheDir(), 'synth-')) : mkdtempSync(join(tmpdir(), 'news-alerts-synth-'));
  outdirs.push(outdir);
  const context = {
    ...cdkJsonContext(),
    ...options.context,
    ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
  };
  const { app, stack, nagChecks } = createNewsAlertsApp({ context, outdir });
  // Synthesizes the whole app; the cdk-nag plugin runs and a finding fails the synthesis.
  const template = Template.fromStack(stack);
  const synthesized = { app, stack, template, json: template.toJSON() as CfnTemplateJson, nagChecks, outdir };
  cache.set(key, synthesized);
  return synthesized;
}

/** The `context` of the repository's `cdk.json` (feature flags, deployment settings). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(repositoryRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** Where bundled assemblies are staged: under node_modules, see `synthesizeStack`. */
export function bundleCacheDir(): string {
  const dir = join(repositoryRoot, 'node_modules', '.cache', 'news-alerts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes the cloud assemblies this process synthesized; call it from `afterAll`. */
export function removeSynthesisOutputs(): void {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
  cache.clear();
}
