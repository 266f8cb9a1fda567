import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCacheDir } from '../infra/synth-stack.ts';
import { BundleLoadError, loadBundledHandler } from './bundle-loader.ts';

/**
 * Small hand-written ".mjs bundles", broken in each way a real one could be, staged where the
 * synthesized bundles are (so Node, not Vite, loads them).
 */
describe('loadBundledHandler', () => {
  let dir: string;
  const write = (name: string, code: string) => {
    const file = join(dir, name);
    writeFileSync(file, code);
    return file;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(bundleCacheDir(), 'broken-bundles-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the handler export of a bundle that loads', async () => {
    // Prepare
    const file = write('working.mjs', 'export const handler = async (event) => ({ echoed: event });');

    // Act
    const handler = await loadBundledHandler({ name: 'plan-polls', file });

    // Assess
    expect(await handler({ ping: 1 }, {})).toEqual({ echoed: { ping: 1 } });
  });

  it('names the function and the missing module when the bundle imports a package it left out', async () => {
    // Prepare: what an `external` the Lambda runtime does not provide looks like
    const file = write('missing-module.mjs', "import 'news-alerts-no-such-package';\nexport const handler = () => 1;");

    // Act
    const loading = loadBundledHandler({ name: 'fan-out', file });

    // Assess
    await expect(loading).rejects.toThrow(BundleLoadError);
    await expect(loading).rejects.toThrow(
      /^function bundle could not be loaded: ERR_MODULE_NOT_FOUND: .*news-alerts-no-such-package.* \(function fan-out, /,
    );
    await expect(loading).rejects.toMatchObject({ functionName: 'fan-out', retryable: false });
  });

  it('names the function when the bundle does not parse', async () => {
    // Prepare: a truncated file
    const file = write('truncated.mjs', 'export const handler = async (event) => { return');

    // Act + Assess
    await expect(loadBundledHandler({ name: 'poll-feed', file })).rejects.toThrow(
      /^function bundle could not be loaded: SyntaxError: .* \(function poll-feed, .*truncated\.mjs\)$/,
    );
  });

  it('names the function when the bundle throws while loading', async () => {
    // Prepare: a module-level statement that fails at cold start
    const file = write('throws.mjs', "throw new Error('cold start failed');\nexport const handler = () => 1;");

    // Act + Assess
    await expect(loadBundledHandler({ name: 'deliver-email', file })).rejects.toThrow(
      /^function bundle could not be loaded: Error: cold start failed \(function deliver-email, /,
    );
  });

  it('names the function when the bundle exports no handler function', async () => {
    // Prepare
    const file = write('no-handler.mjs', 'export const createHandler = () => () => 1;\nexport const handler = 42;');

    // Act + Assess
    await expect(loadBundledHandler({ name: 'http-api', file })).rejects.toThrow(
      /^function bundle does not export a handler function: it exports \["createHandler","handler"\] \(function http-api, /,
    );
  });

  it('names the function when the bundle file is missing', async () => {
    // Act + Assess
    await expect(loadBundledHandler({ name: 'send-digests', file: join(dir, 'never-written.mjs') })).rejects.toThrow(
      /^function bundle could not be loaded: ERR_MODULE_NOT_FOUND: .* \(function send-digests, .*never-written\.mjs\)$/,
    );
  });

  it('takes the export the Handler setting names', async () => {
    // Prepare
    const file = write('custom-export.mjs', 'export const main = () => "main";');

    // Act
    const handler = await loadBundledHandler({ name: 'plan-polls', file, exportName: 'main' });

    // Assess
    expect(handler(undefined, undefined)).toBe('main');
  });
});
