/**
 * `npm run smoke:localstack`: deploys the stack to LocalStack (compose.yaml) and proves the
 * pipeline end to end there, one line per step; a failure names its step and exits 1. The steps
 * and what each asserts: `scripts/localstack/smoke-steps.ts`.
 *
 * Without a reachable LocalStack it prints one line saying so and exits 0 under `CI=true` (a CI
 * machine without Docker), 1 otherwise. Settings (all defaulting to compose.yaml's):
 * `scripts/localstack/smoke-settings.ts`.
 */
import { probeLocalStack } from './localstack/probe-localstack.ts';
import { readSmokeSettings, type SmokeSettings } from './localstack/smoke-settings.ts';

/** A step that failed; it has printed its own line. */
class StepFailedError extends Error {}

async function main(): Promise<number> {
  let settings: SmokeSettings;
  try {
    settings = readSmokeSettings();
  } catch (error) {
    console.log(`smoke:localstack failed: ${(error as Error).message}`);
    return 2;
  }

  const probe = await probeLocalStack(settings.endpoint);
  if (!probe.reachable) {
    const verdict = settings.ci ? 'skipped (CI=true)' : 'failed';
    console.log(
      `smoke:localstack ${verdict}: no LocalStack reachable at ${settings.endpoint} (${probe.reason}); start it with "docker compose up -d" (docs/deploy-localstack.md)`,
    );
    return settings.ci ? 0 : 1;
  }

  const started = Date.now();
  let count = 0;
  let deployed = false;
  async function step(name: string, run: () => Promise<string>): Promise<void> {
    try {
      const detail = await run();
      count += 1;
      console.log(`[ok] ${name}: ${detail}`);
    } catch (error) {
      console.log(`[fail] ${name}: ${(error as Error).message}`);
      throw new StepFailedError(`step "${name}" failed`);
    }
  }

  // The AWS SDK clients and the CDK tooling load only once there is a LocalStack to talk to.
  const { runSmokeSteps } = await import('./localstack/smoke-steps.ts');
  try {
    await runSmokeSteps(settings, probe, {
      step,
      onDeploy: () => {
        deployed = true;
      },
    });
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    const left = deployed ? `; the stack is left deployed for inspection (cdklocal destroy ${settings.stackName})` : '';
    console.log(`smoke:localstack failed after ${count} step(s) in ${seconds(started)}${left}`);
    return 1;
  }
  console.log(`smoke:localstack passed: ${count} steps in ${seconds(started)}`);
  return 0;
}

function seconds(since: number): string {
  return `${Math.round((Date.now() - since) / 1000)} s`;
}

process.exitCode = await main();
