import { basename } from 'node:path';
import { applyConfig } from '../../shared/config/apply-config.ts';
import { ConfigError, NewsAlertsError } from '../../shared/core/errors.ts';
import { systemClock, type Clock } from '../../shared/core/clock.ts';
import type { Stores } from '../../shared/runtime/store-factories.ts';
import { EXIT_OK, type CliIo } from '../io.ts';
import { openPipelineTarget, type AwsTargetClients } from '../pipeline-target.ts';
import { chooseConfigPath, prepareConfig } from '../prepare-config.ts';

export interface ApplyConfigOptions {
  file: string;
  /** CloudFormation stack name. */
  stack: string;
  dryRun: boolean;
  json: boolean;
}

/** The tables a config file is written to. */
export const configTables = ['feeds', 'topics', 'subscriptions'] as const;
export type ConfigTable = (typeof configTables)[number];
export type ConfigTableNames = Record<ConfigTable, string>;

/** A validated config file with every topic it may reference (built-in and its own). */
export type PreparedConfig = Awaited<ReturnType<typeof prepareConfig>>;

/** Ids of what a config file writes, per kind. */
export interface ConfigWrites {
  feeds: string[];
  topics: string[];
  subscribers: string[];
}

/**
 * What applying the config writes; throws a ConfigError if a subscriber names an unknown
 * topic, so a bad file is refused before AWS is called (applyConfig checks the same again).
 */
export function plannedWrites(prepared: PreparedConfig): ConfigWrites {
  const { config, topics } = prepared;
  const known = new Set(topics.map((topic) => topic.id));
  for (const subscriber of config.subscribers) {
    const unknown = subscriber.topics.find((topic) => !known.has(topic));
    if (unknown !== undefined) {
      throw new ConfigError(
        `config file is invalid: subscriber "${subscriber.id}" names unknown topic "${unknown}" (known topics: ${[...known].join(', ')})`,
      );
    }
  }
  return {
    feeds: config.feeds.map((feed) => feed.id),
    // User topics passed the topic schema in prepareConfig, so each has a string id.
    topics: config.topics.map((topic) => String(topic.id)),
    subscribers: config.subscribers.map((subscriber) => subscriber.id),
  };
}

/**
 * Writes a prepared config through the stores: feeds (keeping their poll state), user topics,
 * subscribers. Every write is an upsert, so re-running it is safe; rows not in the file are
 * left alone.
 */
export async function applyPreparedConfig(
  prepared: PreparedConfig,
  stores: Pick<Stores, ConfigTable>,
  clock: Clock = systemClock,
): Promise<ConfigWrites> {
  const writes = plannedWrites(prepared);
  await applyConfig(
    prepared.config,
    { ...stores, clock },
    prepared.topics.map((topic) => topic.id),
  );
  return writes;
}

/**
 * `news-alerts apply-config FILE`: loads feeds, user topics and subscribers from a config file
 * into the tables of a deployed stack, found through the stack's outputs. With `dryRun`, reads
 * the stack but writes nothing. Pass `clients` to choose the endpoints (tests); otherwise the
 * SDK's default chain decides.
 */
export async function applyConfigCommand(options: ApplyConfigOptions, io: CliIo, clients?: AwsTargetClients): Promise<number> {
  const configPath = chooseConfigPath(options.file);
  const prepared = await prepareConfig(configPath);
  const writes = plannedWrites(prepared);

  const target = await openPipelineTarget({ stack: options.stack }, { queues: false, tables: configTables }, clients);
  try {
    if (!options.dryRun) {
      try {
        await applyPreparedConfig(prepared, target.stores);
      } catch (error) {
        if (!(error instanceof NewsAlertsError)) throw error;
        throw new NewsAlertsError(
          `applying the config failed: ${error.message}; re-running apply-config is safe, every write is an upsert (${options.stack})`,
          { cause: error },
        );
      }
    }
    printResult(io, { options, configPath, tables: target.tableNames, writes });
    return EXIT_OK;
  } finally {
    await target.close();
  }
}

function printResult(
  io: CliIo,
  result: { options: ApplyConfigOptions; configPath: string; tables: ConfigTableNames; writes: ConfigWrites },
): void {
  const { options, configPath, tables, writes } = result;
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ stack: options.stack, config: configPath, dryRun: options.dryRun, tables, ...writes })}\n`);
    return;
  }
  const counts = `${count(writes.feeds.length, 'feed')}, ${count(writes.topics.length, 'topic')}, ${count(writes.subscribers.length, 'subscriber')}`;
  const head = options.dryRun
    ? `dry run: would write ${counts} from ${basename(configPath)} to stack ${options.stack} (nothing written)`
    : `wrote ${counts} from ${basename(configPath)} to stack ${options.stack}`;
  const rows: [string, string, string[]][] = [
    ['feeds', tables.feeds, writes.feeds],
    ['topics', tables.topics, writes.topics],
    ['subscribers', tables.subscriptions, writes.subscribers],
  ];
  const lines = rows.map(([kind, table, ids]) => `  ${kind.padEnd(12)} ${table}: ${ids.length > 0 ? ids.join(', ') : '(none)'}`);
  io.stdout.write(`${[head, ...lines].join('\n')}\n`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
