/**
 * The closing table of `npm run bench`: each figure issue 11 names, from the cases that ran, beside
 * its goal and whether this run met it. The cases print the details; this gathers the verdicts in
 * one place so a full run can be read against the issue at a glance.
 */
import type { BundleMeasurement } from '../scripts/measure-bundles.ts';
import { BUNDLE_GOALS } from '../scripts/measure-bundles.ts';
import type { CliBenchResult } from './cli.ts';
import { COST_GOALS, costPerNewItem, type CostBenchResult } from './cost.ts';
import type { FeedsBenchResult } from './feeds.ts';
import { LEAN_GOALS, type LeanBenchResult } from './lean.ts';
import type { ScaleFigures } from './scale.ts';

/** One row: what was measured, the goal, and the verdict (undefined when it cannot be judged). */
export interface GoalRow {
  item: string;
  figure: string;
  goal: string;
  met: boolean | undefined;
}

/** The results of the cases that ran, as `bench/run.ts` gathers them. */
export interface GoalInputs {
  feeds?: FeedsBenchResult;
  cost?: CostBenchResult;
  bundles?: BundleMeasurement[];
  cli?: CliBenchResult;
  lean?: LeanBenchResult;
  scale?: ScaleFigures;
}

/**
 * How much faster per unit the largest size may cost than the smallest and still count as growing
 * linearly: a shared 2-core machine swings by a third between runs.
 */
export const LINEAR_SLACK = 1.5;

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The rows for every goal whose case ran, in the issue's order. */
export function issueGoalRows(inputs: GoalInputs): GoalRow[] {
  const rows: GoalRow[] = [];
  if (inputs.feeds) {
    // The bench reports our time ÷ raw rss-parser's; the goal is speed, so its inverse ≥ 1.
    const speed = (ratio: number) => round2(1 / ratio);
    const corpus = speed(inputs.feeds.corpus.timeRatio);
    const big = speed(inputs.feeds.oneMegabyteFeed.timeRatio);
    rows.push({
      item: '1 parse',
      figure: `${corpus}× (corpus), ${big}× (1 MB feed) raw rss-parser's speed`,
      goal: '≥ 1×',
      met: corpus >= 1 && big >= 1,
    });
  }
  if (inputs.cost) {
    const perItem = costPerNewItem(inputs.cost);
    if (perItem) {
      const { requests, wcu } = perItem;
      rows.push({
        item: '2 requests',
        figure: `${requests} DynamoDB requests, ${wcu} WCU per new on-topic item`,
        goal: `≤ ${COST_GOALS.requests}, ≤ ${COST_GOALS.wcu} WCU`,
        met: requests <= COST_GOALS.requests && wcu <= COST_GOALS.wcu,
      });
    }
  }
  if (inputs.bundles && inputs.bundles.length > 0) {
    const largest = inputs.bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const largestAsset = inputs.bundles.reduce((a, b) => (b.totalBytes > a.totalBytes ? b : a));
    const slowest = inputs.bundles.reduce((a, b) => (b.coldImportMs > a.coldImportMs ? b : a));
    rows.push({
      item: '3 size',
      figure: `largest at init ${(largest.bytes / 1000).toFixed(1)} KB (${largest.function})`,
      goal: `≤ ${BUNDLE_GOALS.maxBytes / 1000} KB`,
      met: largest.bytes <= BUNDLE_GOALS.maxBytes,
    });
    // The whole asset: index.mjs and every chunk a later invocation may load.
    rows.push({
      item: '3 size whole',
      figure: `largest asset ${(largestAsset.totalBytes / 1000).toFixed(1)} KB (${largestAsset.function})`,
      goal: `≤ ${BUNDLE_GOALS.maxBytes / 1000} KB`,
      met: largestAsset.totalBytes <= BUNDLE_GOALS.maxBytes,
    });
    rows.push({
      item: '3 cold load',
      figure: `slowest ${slowest.coldImportMs.toFixed(1)} ms (${slowest.function})`,
      goal: `≤ ${BUNDLE_GOALS.maxColdImportMs} ms`,
      met: slowest.coldImportMs <= BUNDLE_GOALS.maxColdImportMs,
    });
  }
  if (inputs.cli) {
    rows.push({
      item: '4 CLI',
      figure: `--help ${round2(inputs.cli.helpRatio)}× node -e 0`,
      goal: `≤ ${inputs.cli.goalRatio}×`,
      met: inputs.cli.helpRatio <= inputs.cli.goalRatio,
    });
  }
  if (inputs.lean) {
    const { ratios, newsAlerts } = inputs.lean;
    rows.push({
      item: '5 lean CPU',
      figure: ratios ? `${ratios.cpu}× rss2email's CPU` : 'rss2email not installed (apt-get install rss2email)',
      goal: `≤ ${LEAN_GOALS.cpuRatio}×`,
      met: ratios ? ratios.cpu <= LEAN_GOALS.cpuRatio : undefined,
    });
    rows.push({
      item: '5 lean memory',
      figure: `peak RSS ${newsAlerts.peakRssMb.toFixed(0)} MB`,
      goal: `≤ ${LEAN_GOALS.peakRssMb} MB`,
      met: newsAlerts.peakRssMb <= LEAN_GOALS.peakRssMb,
    });
  }
  if (inputs.scale) {
    rows.push(
      linearRow(
        '6 planning',
        inputs.scale.planning.map((p) => ({ size: p.feeds, perUnit: p.msPerFeed })),
        'ms per due feed',
      ),
    );
    rows.push(
      linearRow(
        '6 fan-out',
        inputs.scale.fanout.map((f) => ({ size: f.subscribers, perUnit: f.seconds / f.deliveries })),
        's per delivery',
      ),
    );
  }
  return rows;
}

/** Linear growth: the per-unit cost at the largest size stays within LINEAR_SLACK of the smallest's. */
function linearRow(item: string, points: { size: number; perUnit: number }[], unit: string): GoalRow {
  const low = points[0];
  const high = points.at(-1);
  if (!low || !high || points.length < 2 || low.perUnit <= 0) {
    return { item, figure: 'needs two sizes', goal: 'linear', met: undefined };
  }
  const growth = high.perUnit / low.perUnit;
  return {
    item,
    figure: `${unit} ×${round2(growth)} from ${low.size.toLocaleString('en')} to ${high.size.toLocaleString('en')}`,
    goal: `linear (≤ ×${LINEAR_SLACK})`,
    met: growth <= LINEAR_SLACK,
  };
}

/** The rows as the lines the bench prints last. */
export function formatIssueGoals(rows: GoalRow[]): string[] {
  if (rows.length === 0) return [];
  const verdict = (met: boolean | undefined) => (met === undefined ? 'not judged' : met ? 'met' : 'NOT MET');
  const width = Math.max(...rows.map((row) => row.figure.length));
  return [
    'issue 11 goals, this run:',
    ...rows.map((row) => `  ${row.item.padEnd(14)} ${row.figure.padEnd(width)}  goal ${row.goal.padEnd(22)} ${verdict(row.met)}`),
  ];
}
