/**
 * The CLI's start-up: the median wall time of fresh processes of `node -e 0`, `news-alerts
 * --help` and `news-alerts topics list` (the compiled CLI, as the published command runs it),
 * taken in turn so a busy machine weighs on each alike; `--help` beside the goal of issue 11,
 * within 2× a bare `node -e 0` on the same Node.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildCliIfStale } from './build-if-stale.ts';

/** What `benchCli` measured, in milliseconds. */
export interface CliBenchResult {
  name: 'cli';
  /** Fresh processes of each command. */
  runs: number;
  nodeMs: number;
  helpMs: number;
  topicsListMs: number;
  /** `--help` ÷ `node -e 0`: the goal is at most `goalRatio`. */
  helpRatio: number;
  goalRatio: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../cli/bin.js', import.meta.url));
const GOAL_RATIO = 2;

/** Builds dist/ if a source changed, then times `runs` fresh processes of each command. */
export function benchCli(runs = 20): CliBenchResult {
  buildCliIfStale();
  const commands = { node: ['-e', '0'], help: [bin, '--help'], topicsList: [bin, 'topics', 'list'] };
  const times: Record<keyof typeof commands, number[]> = { node: [], help: [], topicsList: [] };
  // One unmeasured round: the file system cache and the compile cache start warm for all three.
  for (const args of Object.values(commands)) run(args);
  for (let round = 0; round < runs; round++) {
    for (const [name, args] of Object.entries(commands) as [keyof typeof commands, string[]][]) times[name].push(run(args));
  }
  const nodeMs = median(times.node);
  const helpMs = median(times.help);
  return { name: 'cli', runs, nodeMs, helpMs, topicsListMs: median(times.topicsList), helpRatio: helpMs / nodeMs, goalRatio: GOAL_RATIO };
}

/** The lines `npm run bench` prints. */
export function formatCliBench(result: CliBenchResult): string[] {
  const verdict = result.helpRatio <= result.goalRatio ? 'within' : 'over';
  return [
    `  node -e 0                 ${result.nodeMs.toFixed(1).padStart(7)} ms`,
    `  news-alerts --help        ${result.helpMs.toFixed(1).padStart(7)} ms  ${result.helpRatio.toFixed(2)}× node -e 0 (goal ≤ ${result.goalRatio}×: ${verdict})`,
    `  news-alerts topics list   ${result.topicsListMs.toFixed(1).padStart(7)} ms  ${(result.topicsListMs / result.nodeMs).toFixed(2)}× node -e 0`,
    `  (median of ${result.runs} fresh processes each, interleaved; Node ${process.version})`,
  ];
}

/** Runs the project's Node with `args` from the repository root, without a loader; its wall time in ms. */
function run(args: string[]): number {
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`cli bench: a run failed: exit ${child.status} (node ${args.join(' ')}): ${child.stderr}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
