/**
 * Builds the CDK app: the news-alerts stack from the topology, with the cdk-nag AwsSolutions
 * checks registered as a validation plugin. `app.ts` (what `cdk synth` runs) and the infra
 * tests both call this, so they check the very app that gets deployed.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { fileURLToPath } from 'node:url';
import { topology as defaultTopology, type Topology } from '../topology.ts';
import { LOCALSTACK_ACCOUNT, readDeploymentSettings } from './deployment-settings.ts';
import { NewsAlertsStack } from './news-alerts-stack.ts';
import { readOperationsSettings, withCapacitySettings } from './operations-settings.ts';
import { stackNameFor } from './stack-outputs.ts';

/** The repository root, two levels above this file. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CreateAppOptions {
  /** CDK context (feature flags, deployment settings); the CLI passes `cdk.json`'s itself. */
  context?: Record<string, unknown>;
  /** Cloud assembly directory; the CLI sets it through CDK_OUTDIR. */
  outdir?: string;
  topology?: Topology;
  rootDir?: string;
  /**
   * The account and region the CDK CLI resolved (it sets `CDK_DEFAULT_ACCOUNT` / `_REGION` for
   * the app; cdklocal's are LocalStack's); read from there when omitted, unknown offline.
   */
  account?: string;
  region?: string;
}

export interface NewsAlertsApp {
  app: App;
  stack: NewsAlertsStack;
  /** The registered cdk-nag pack; `validateScope(app)` returns its findings as data. */
  nagChecks: AwsSolutionsChecks;
}

/** Creates the app and its stack; call `app.synth()` to produce the assembly. */
export function createNewsAlertsApp(options: CreateAppOptions = {}): NewsAlertsApp {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const account = options.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = options.region ?? process.env.CDK_DEFAULT_REGION;
  const settings = readDeploymentSettings((key) => app.node.tryGetContext(key), { account });
  const topology = options.topology ?? defaultTopology;
  const operations = readOperationsSettings(app.node.getAllContext() as Record<string, unknown>, topology);
  // One stack per stage (`-c stage=prod` → NewsAlerts-prod); no stage keeps the name NewsAlerts.
  const stage = operations.stage ? ` (${operations.stage})` : '';
  const stack = new NewsAlertsStack(app, stackNameFor(operations.stage), {
    // Env-agnostic (offline synth) unless private addresses are allowed: then the stack is bound
    // to LocalStack's account, so the CLI also refuses to deploy it with any other credentials.
    ...(settings.allowPrivateNetwork ? { env: { account: LOCALSTACK_ACCOUNT, ...(region ? { region } : {}) } } : {}),
    description: `news-alerts${stage}: poll feeds, classify, deduplicate, deliver by webhook and email`,
    topology: withCapacitySettings(topology, operations),
    settings,
    operations,
    rootDir: options.rootDir ?? repositoryRoot,
  });
  const nagChecks = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nagChecks);
  return { app, stack, nagChecks };
}
