import { build, type Metafile } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildBuildOptions, removeUnreachableChunks, type BundleTarget } from '../../infra/aws/bundling.ts';
import { repositoryRoot } from '../../infra/aws/create-app.ts';
import { topology } from '../../infra/topology.ts';

/**
 * A deployment's bundles follow its settings (`BundleTarget`): the mail transport decides whether
 * the mailing functions carry the SMTP client. One function (deliver-email) built per transport.
 */
describe('bundles built for a deployment', () => {
  const outdirs: string[] = [];
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  /** The inputs of every output the asset keeps, after the unreachable chunks are removed. */
  async function assetInputs(target: BundleTarget): Promise<string[]> {
    const outdir = mkdtempSync(join(tmpdir(), 'news-alerts-bundle-target-'));
    outdirs.push(outdir);
    const result = await build(esbuildBuildOptions(join(repositoryRoot, topology.functions['deliver-email'].entry), outdir, target));
    removeUnreachableChunks(result.metafile, outdir);
    return Object.values(result.metafile.outputs as Metafile['outputs']).flatMap((output) => Object.keys(output.inputs));
  }

  it.each([
    [{ mailTransport: 'smtp' }, true],
    [{}, true],
    [{ mailTransport: 'ses' }, false],
    [{ mailTransport: 'ses-raw' }, false],
  ] as const)('with %j carries the SMTP client: %s', async (target, carried) => {
    // Act
    const inputs = await assetInputs(target);

    // Assess: the SES mailers are there whatever the target (the environment picks at run time)
    expect(inputs.some((input) => input.includes('nodemailer/'))).toBe(carried);
    expect(inputs.some((input) => input.endsWith('shared/mail/smtp-mailer.ts'))).toBe(carried);
    expect(inputs.some((input) => input.endsWith('shared/mail/ses/ses-mailer.ts'))).toBe(true);
  });
});
