/**
 * `npm run bench`: figures, never pass/fail. Prints the classifier's throughput, each Lambda
 * bundle's size and cold module-load time, the one-process pipeline's timings, and the CLI's start-up.
 *
 *   npm run bench [-- --json] [-- --only classify|relevance|bundles|pipeline|feeds|stories|cost|fanout|time-to-alert|cli|lean|scale]
 *   [-- --duration SECONDS]  (time-to-alert: how long items are published; default 180)
 *   [-- --scale-feeds 1000,2500,5000] [-- --scale-subscribers 10000,50000,100000]  (scale: the sizes simulated)
 */
import { parseArgs } from 'node:util';
import { BUNDLE_GOALS, formatBundleTable, measureBundle, type BundleMeasurement } from '../scripts/measure-bundles.ts';
import { topology, type FunctionName } from '../infra/topology.ts';
import { benchClassify, formatClassifyBench } from './classify.ts';
import { benchFeeds, formatFeedsBench } from './feeds.ts';
import { benchPipeline } from './pipeline.ts';
import { benchFanout, formatFanoutBench } from './fanout.ts';
import { benchScale, formatScaleBench } from './scale.ts';
import { benchCost, formatCostBench } from './cost.ts';
import { benchStories, formatStoriesBench } from './stories.ts';
import { benchRelevance, formatRelevanceBench } from './relevance.ts';
import { benchTimeToAlert, formatTimeToAlert } from './time-to-alert.ts';
import { benchCli, formatCliBench } from './cli.ts';
import { benchLean, formatLeanBench } from './lean.ts';
import { formatIssueGoals, issueGoalRows, type GoalInputs } from './issue-goals.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string' },
    'scale-feeds': { type: 'string', default: '1000,2500,5000' },
    'scale-subscribers': { type: 'string', default: '10000,50000,100000' },
  },
});
const wanted = (name: string) => values.only === undefined || values.only === name;
const log = (line: string) => {
  if (!values.json) console.log(line);
};
const results: Record<string, unknown> = { node: process.version, cpus: (await import('node:os')).cpus().length };
/** What the closing table of issue 11's goals reads. */
const goalInputs: GoalInputs = {};

if (wanted('classify')) {
  log('classify: items/s on one core, built-in topics vs a naive baseline (one regular expression per phrase)');
  const classify = benchClassify();
  results.classify = classify;
  log(formatClassifyBench(classify));
}
if (wanted('relevance')) {
  log('relevance: built-in topics vs one keyword pattern per topic, on every labelled set found (precision / recall / F1)');
  const relevance = benchRelevance();
  results.relevance = relevance;
  for (const line of formatRelevanceBench(relevance)) log(line);
}
if (wanted('bundles')) {
  log(
    'bundles: minified size of index.mjs (loaded at init) and of the whole asset, cold module-load time (median of 5 fresh processes) beside the goals; AWS SDK: its clients imported alone; + lazy: the cold import then every lazy chunk and SDK client',
  );
  const measured: BundleMeasurement[] = [];
  for (const name of Object.keys(topology.functions) as FunctionName[]) measured.push(await measureBundle(name, 5));
  for (const line of formatBundleTable(measured)) log(line);
  goalInputs.bundles = measured;
  results.bundles = {
    goals: BUNDLE_GOALS,
    functions: measured.map((m) => ({
      function: m.function,
      bytes: m.bytes,
      kib: m.kib,
      totalBytes: m.totalBytes,
      chunks: m.chunks,
      coldImportMs: m.coldImportMs,
      awsSdkImportMs: m.externalsImportMs,
      externals: m.externals,
      lazyExternals: m.lazyExternals,
      withLazyMs: m.fullLoadMs,
    })),
  };
}
if (wanted('feeds')) {
  log(
    'feeds: parse + normalize throughput (readFeed: decode → one pass, our scanner or sax for broken XML → normalize) vs raw rss-parser, same inputs, same run',
  );
  const feeds = await benchFeeds();
  results.feeds = feeds;
  goalInputs.feeds = feeds;
  log(formatFeedsBench(feeds));
}
if (wanted('pipeline')) {
  log('pipeline: one process, 10 feeds × 30 items on localhost, one webhook subscriber');
  results.pipeline = await benchPipeline({ feeds: 10, itemsPerFeed: 30 });
  log(`  ${JSON.stringify(results.pipeline)}`);
}
if (wanted('stories')) {
  log('stories: pairwise precision / recall of `news-alerts stories` (the pipeline clustering, in memory)');
  const stories = await benchStories();
  results.stories = stories;
  for (const line of formatStoriesBench(stories)) log(line);
}
if (wanted('cost')) {
  log(
    'cost: DynamoDB and SQS requests and capacity units of poll-feed and classify-items (dynalite + fauxqs, every new item matches a topic)',
  );
  const cost = await benchCost();
  results.cost = cost;
  goalInputs.cost = cost;
  for (const line of formatCostBench(cost)) log(line);
}
if (wanted('fanout')) {
  log(
    'fanout: one alert to 10,000 subscribers of a topic (dynalite + fauxqs in process): deliveries queued per second, SQS requests per delivery',
  );
  const fanout = await benchFanout({ subscribers: 10_000 });
  results.fanout = fanout;
  log(formatFanoutBench(fanout));
}
if (wanted('time-to-alert')) {
  const durationSeconds = Number(values.duration ?? 180);
  log(
    `time-to-alert: one process with its real schedules, items published at random moments for ${durationSeconds} s to a polled feed (interval 1 min) and a WebSub-pushed feed; publication → webhook`,
  );
  const timeToAlert = await benchTimeToAlert({ durationSeconds });
  results.timeToAlert = timeToAlert;
  for (const line of formatTimeToAlert(timeToAlert)) log(line);
}
if (wanted('cli')) {
  log('cli: start-up of the compiled command vs a bare node -e 0 on the same Node');
  const cli = benchCli();
  results.cli = cli;
  goalInputs.cli = cli;
  for (const line of formatCliBench(cli)) log(line);
}
if (wanted('lean')) {
  log(
    'lean: `news-alerts run --once` (one email subscriber) beside rss2email (`r2e run --no-send`) on 20 local feeds × 50 items; CPU, wall, peak RSS',
  );
  const lean = await benchLean();
  results.lean = lean;
  goalInputs.lean = lean;
  for (const line of formatLeanBench(lean)) log(line);
}
if (wanted('scale')) {
  const sizes = (text: string | undefined) =>
    (text ?? '')
      .split(',')
      .map((n) => Number(n.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
  const feeds = sizes(values['scale-feeds']);
  const subscribers = sizes(values['scale-subscribers']);
  log(
    `scale: planning a minute at ${feeds.join(' / ')} feeds, one alert's fan-out to ${subscribers.join(' / ')} subscribers (dynalite + fauxqs in process), extrapolated to 50,000 feeds and 1,000,000 subscribers`,
  );
  const scale = await benchScale({ feeds, subscribers });
  results.scale = scale;
  goalInputs.scale = scale;
  for (const line of formatScaleBench(scale)) log(line);
}
const goals = issueGoalRows(goalInputs);
results.issueGoals = goals;
for (const line of formatIssueGoals(goals)) log(line);
if (values.json) console.log(JSON.stringify(results, null, 2));
