#!/usr/bin/env -S node --max-semi-space-size=16 --heap-growing-percent=50
// Entry of the `news-alerts` command: runs the compiled CLI (dist/, built by `npm run build`, which
// `npm install` runs as `prepare`). Without dist/ in a clone, it runs the TypeScript sources
// through tsx, a development dependency, and says so.
//
// The V8 flags above (also in package.json's start, demo and news-alerts scripts) keep `run`'s
// heap near what it holds: left alone, V8 grows the young generation to 64 MB semi-spaces and
// the old one by up to 4× between full collections, which took `run --once` on 20 feeds × 50
// items to 345 MB for a heap of ~60 MB live; with them, 235 MB at the same CPU. Neither caps the
// heap: a larger heap grows as before, only collected sooner (docs/running-locally.md).
import { existsSync } from 'node:fs';
import module from 'node:module';
import v8 from 'node:v8';

// The embedded engines need Node 22.12 or later (node:sqlite among others). npm scripts and npx
// run on the project's own Node 24 (the `node` devDependency); a bare `node cli/bin.js` on an older
// system Node gets a sentence, not a stack trace.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `news-alerts needs Node.js 22.12 or later (this is ${process.version}): run it as "npx news-alerts …" or through npm scripts, which use the project's Node 24\n`,
  );
  process.exit(1);
}

// TurboFan, V8's optimising compiler, takes a function after 100,000 calls instead of 3,000.
// With the default, `run --once` on 20 feeds × 50 items had it compile ~280 functions (~0.85 s
// on V8's helper threads, a sixth of the run's CPU) that then ran too little before the run ended
// to repay it; now ~25 (~0.08 s). Maglev, the quick optimiser, still takes a function after 400
// calls, and a long `run` still reaches TurboFan for the code that runs hottest. Set here rather
// than on the `#!` line, where Node 20 would stop at it before the check above could say which
// Node is needed; V8 reads it at each tier-up decision, so it holds for all the code loaded below.
v8.setFlagsFromString('--invocation-count-for-turbofan=100000');

const argv = process.argv.slice(2);
// A command's run keeps V8's compiled code for its chunks and packages on disk between runs;
// help and the version read a few small files, where reading the cache would cost more than it saves.
if (argv[0] !== undefined && !argv[0].startsWith('-') && argv[0] !== 'help') module.enableCompileCache?.();

const compiled = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  main = await sourcesThroughTsx();
}
process.exitCode = await main(argv);

async function sourcesThroughTsx() {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('news-alerts: the compiled CLI is missing (dist/cli/main.js): run "npm run build" in the package\n');
    process.exit(1);
  }
  process.stderr.write('news-alerts: dist/ is not built, running the TypeScript sources through tsx ("npm run build" compiles them)\n');
  register();
  return (await import('./main.ts')).main;
}
