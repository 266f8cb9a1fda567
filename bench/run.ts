/**
 * `npm run bench`: figures, never pass/fail. Prints the classifier's throughput, each Lambda
 * bundle's size and cold module-load time, and the one-process pipeline's timings.
 *
 *   npm run bench [-- --json] [-- --only classify|bundles|pipeline]
 */
import { parseArgs } from 'node:util';
import { measureBundle } from '../scripts/measure-bundles.ts';
import { topology, type FunctionName } from '../infra/topology.ts';
import { benchClassify } from './classify.ts';
import { benchPipeline } from './pipeline.ts';

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const wanted = (name: string) => values.only === undefined || values.only === name;
const log = (line: string) => {
  if (!values.json) console.log(line);
};
const results: Record<string, unknown> = { node: process.version, cpus: (await import('node:os')).cpus().length };

if (wanted('classify')) {
  log('classify: items/s over the labelled development set, repeated');
  results.classify = await benchClassify();
  log(`  ${JSON.stringify(results.classify)}`);
}
if (wanted('bundles')) {
  log('bundles: minified size and cold module-load time (median of 5 fresh processes)');
  const bundles = [];
  for (const name of Object.keys(topology.functions) as FunctionName[]) {
    const m = await measureBundle(name, 5);
    bundles.push({ function: m.function, bytes: m.bytes, kib: m.kib, coldImportMs: m.coldImportMs });
    log(`  ${m.function.padEnd(16)} ${m.kib.toFixed(1).padStart(7)} KiB  ${m.coldImportMs.toFixed(1).padStart(6)} ms`);
  }
  results.bundles = bundles;
}
if (wanted('pipeline')) {
  log('pipeline: one process, 10 feeds × 30 items on localhost, one webhook subscriber');
  results.pipeline = await benchPipeline({ feeds: 10, itemsPerFeed: 30 });
  log(`  ${JSON.stringify(results.pipeline)}`);
}
if (values.json) console.log(JSON.stringify(results, null, 2));
