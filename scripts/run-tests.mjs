// Runs the whole suite with vitest and prints the plain "N passed, N failed" line CI reads.
// Runs under the project's Node (node_modules/.bin/node via npm scripts), whatever the system has.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const reportDir = join(process.cwd(), 'test-artifacts');
mkdirSync(reportDir, { recursive: true });
// One report per run, so two runs at once (a developer's and an editor's) never read each other's.
const reportFile = join(reportDir, `vitest-report-${process.pid}.json`);
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)];

const child = spawn(process.execPath, [join('node_modules', 'vitest', 'vitest.mjs'), ...args], { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    passed = report.numPassedTests;
    failed = report.numFailedTests;
    skipped = report.numPendingTests + (report.numTodoTests ?? 0);
  } catch {
    failed = Math.max(failed, 1);
  }
  if (code !== 0 && failed === 0) failed = 1; // a crash or a failed suite with no failed test
  rmSync(reportFile, { force: true });
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(signal ? 1 : (code ?? 1));
});
