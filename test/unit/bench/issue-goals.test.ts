import { describe, expect, it } from 'vitest';
import type { CostCase } from '../../../bench/cost.ts';
import type { ThroughputFigures } from '../../../bench/feeds.ts';
import { formatIssueGoals, issueGoalRows, type GoalRow } from '../../../bench/issue-goals.ts';
import type { BundleMeasurement } from '../../../scripts/measure-bundles.ts';

const throughput = (timeRatio: number): ThroughputFigures => {
  const reader = { itemsPerSecond: 1, megabytesPerSecond: 1, items: 1, rejected: 0, millisPerPass: 1 };
  return { documents: 1, megabytes: 1, ours: reader, rawRssParser: reader, timeRatio };
};
const feeds = (corpus: number, big: number) => {
  const memory = { peakRssMegabytes: 1, outcome: 'ok' };
  return {
    name: 'feeds' as const,
    corpus: throughput(corpus),
    oneMegabyteFeed: throughput(big),
    fiftyMegabytes: { fetchWithDefaultCap: memory, readOurs: memory, readRawRssParser: memory },
  };
};
const costCase = (name: string, newItems: number, requests: number, wcu: number): CostCase => {
  const per = { dynamodbRequests: 0, rcu: 0, wcu: 0, sqsRequests: 0 };
  return {
    case: name,
    polls: 1,
    items: newItems,
    newItems,
    dynamodb: { requests, byOperation: {}, byTable: {}, rcu: 0, wcu },
    sqs: { requests: 0 },
    perItem: per,
    perPoll: per,
  };
};
const bundle = (name: BundleMeasurement['function'], bytes: number, coldImportMs: number, totalBytes = bytes) =>
  ({ function: name, bytes, coldImportMs, totalBytes }) as BundleMeasurement;
const row = (rows: GoalRow[], item: string) => rows.find((r) => r.item === item);

describe('issue 11 goal table', () => {
  it('reads the feed bench time ratio as speed: less time than rss-parser meets ≥ 1×', () => {
    expect(row(issueGoalRows({ feeds: feeds(0.8, 0.5) }), '1 parse')).toMatchObject({
      met: true,
      figure: expect.stringContaining('1.25×'),
    });
    expect(row(issueGoalRows({ feeds: feeds(0.8, 1.05) }), '1 parse')?.met).toBe(false);
  });

  it('judges requests per item on the case with the most new items', () => {
    const cost = { name: 'cost' as const, cases: [costCase('one', 1, 20, 30), costCase('burst', 100, 550, 970)] };
    expect(row(issueGoalRows({ cost }), '2 requests')).toMatchObject({
      met: true,
      figure: expect.stringContaining('5.5 DynamoDB requests, 9.7 WCU'),
    });
    const heavy = { name: 'cost' as const, cases: [costCase('burst', 100, 610, 900)] };
    expect(row(issueGoalRows({ cost: heavy }), '2 requests')?.met).toBe(false);
  });

  it('names the largest and slowest bundle against the size and cold-load goals', () => {
    const rows = issueGoalRows({ bundles: [bundle('plan-polls', 150_000, 160), bundle('poll-feed', 310_000, 90)] });
    expect(row(rows, '3 size')).toMatchObject({ met: false, figure: expect.stringContaining('poll-feed') });
    expect(row(rows, '3 cold load')).toMatchObject({ met: false, figure: expect.stringContaining('plan-polls') });
  });

  it('judges the size goal on the whole asset too, lazy chunks included', () => {
    const small = [bundle('poll-feed', 250_000, 90, 290_000), bundle('http-api', 160_000, 90, 280_000)];
    expect(row(issueGoalRows({ bundles: small }), '3 size whole')).toMatchObject({
      met: true,
      figure: expect.stringContaining('290.0 KB (poll-feed)'),
    });
    const rows = issueGoalRows({ bundles: [bundle('poll-feed', 250_000, 90, 290_000), bundle('http-api', 160_000, 90, 380_000)] });
    expect(row(rows, '3 size')?.met).toBe(true);
    expect(row(rows, '3 size whole')).toMatchObject({ met: false, figure: expect.stringContaining('380.0 KB (http-api)') });
  });

  it('leaves the CPU ratio unjudged without rss2email, and still judges memory', () => {
    const lean = {
      name: 'lean' as const,
      feeds: 20,
      itemsPerFeed: 50,
      rounds: 3,
      newsAlerts: { cpuSeconds: 5, wallSeconds: 5, peakRssMb: 240, emails: [12, 12, 12], nodeFlags: [] },
    };
    const rows = issueGoalRows({ lean });
    expect(row(rows, '5 lean CPU')?.met).toBeUndefined();
    expect(row(rows, '5 lean memory')?.met).toBe(true);
    const compared = { ...lean, rss2email: { cpuSeconds: 1, wallSeconds: 1, peakRssMb: 30 }, ratios: { cpu: 5, wall: 5, peakRss: 8 } };
    expect(row(issueGoalRows({ lean: compared }), '5 lean CPU')?.met).toBe(false);
  });

  it('calls growth linear only while the cost per unit stays flat', () => {
    const planning = (perFeed: number[]) =>
      perFeed.map((msPerFeed, i) => ({ feeds: 1000 * (i + 1), duePerMinute: 67 * (i + 1), msPerMinute: 1, msPerFeed }));
    const fanout = (secondsPer1000: number[]) =>
      secondsPer1000.map((s, i) => ({
        subscribers: 10_000 * (i + 1),
        deliveries: 10_000 * (i + 1),
        invocations: 1,
        longestChain: 1,
        seconds: s * 10 * (i + 1),
        deliveriesPerSecond: 1,
        msPerInvocation: 1,
      }));
    const linear = issueGoalRows({
      scale: { planning: planning([0.5, 0.55]), fanout: fanout([1, 1.1]), shards: { feeds: 4, subscribers: 8 } },
    });
    expect(row(linear, '6 planning')?.met).toBe(true);
    expect(row(linear, '6 fan-out')?.met).toBe(true);
    const quadratic = issueGoalRows({
      scale: { planning: planning([0.5, 1.5]), fanout: fanout([1, 3]), shards: { feeds: 4, subscribers: 8 } },
    });
    expect(row(quadratic, '6 planning')?.met).toBe(false);
    expect(row(quadratic, '6 fan-out')?.met).toBe(false);
  });

  it('prints one line per goal under a heading, and nothing when no case ran', () => {
    expect(formatIssueGoals([])).toEqual([]);
    const lines = formatIssueGoals(issueGoalRows({ feeds: feeds(0.8, 0.9) }));
    expect(lines[0]).toBe('issue 11 goals, this run:');
    expect(lines[1]).toMatch(/^ {2}1 parse .* goal ≥ 1× +met$/);
  });
});
