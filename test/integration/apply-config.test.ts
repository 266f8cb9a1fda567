/**
 * `news-alerts apply-config` against dynalite in this process. The tables come from the
 * topology (as in a deployed stack); CloudFormation is a stand-in on 127.0.0.1 that answers
 * DescribeStacks in the documented awsQuery XML, so the real SDK client parses real responses.
 * The SDK finds both endpoints the way an operator's LocalStack setup does: through
 * AWS_ENDPOINT_URL_* variables and the default credential chain.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tableNameOutputKey } from '../../infra/aws/stack-outputs.ts';
import type { TableName } from '../../infra/topology.ts';
import { applyPreparedConfig, type ConfigTableNames } from '../../cli/tasks/apply-config.ts';
import { main } from '../../cli/main.ts';
import { prepareConfig } from '../../cli/prepare-config.ts';
import { createDynamoDbFeedStore, createDynamoDbSubscriptionStore, createDynamoDbTopicStore } from '../../shared/store/dynamodb/index.ts';
import {
  createTables,
  localCredentials,
  localRegion,
  startDynalite,
  uniquePrefix,
  type ProvisionedTables,
  type TestDynalite,
} from '../helpers/engines.ts';
import { captureIo } from '../helpers/capture-io.ts';

const configYaml = `
feeds:
  - { id: un-news, url: "https://news.un.org/feed/rss.xml", title: UN News }
  - { id: tass, url: "https://tass.com/rss/v2.xml", intervalMinutes: 30 }
topics:
  - id: ceasefire
    label: Ceasefire
    rules:
      - { id: ceasefire, weight: 2, phrases: [ceasefire] }
subscribers:
  - { id: alice, email: alice@example.org, topics: [talks, ceasefire] }
  - { id: bob, email: bob@example.org, topics: [sanctions], paused: true }
`;

function storesOn(dynamo: TestDynalite, tables: ProvisionedTables) {
  const client = dynamo.documents;
  return {
    feeds: createDynamoDbFeedStore({ client, tableName: tables.feeds }),
    topics: createDynamoDbTopicStore({ client, tableName: tables.topics }),
    subscriptions: createDynamoDbSubscriptionStore({ client, tableName: tables.subscriptions }),
  };
}

let dynamo: TestDynalite;
let dir: string;
let configPath: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  dir = mkdtempSync(join(tmpdir(), 'apply-config-'));
  configPath = join(dir, 'news-alerts.yaml');
  writeFileSync(configPath, configYaml);
});

afterAll(async () => {
  await dynamo.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('applyPreparedConfig', () => {
  it('writes feeds, user topics and subscribers into the named tables', async () => {
    // Prepare
    const tables = await createTables(dynamo.documents, uniquePrefix('apply'));
    const prepared = await prepareConfig(configPath);

    // Act
    const writes = await applyPreparedConfig(prepared, storesOn(dynamo, tables));

    // Assess
    expect(writes).toEqual({ feeds: ['un-news', 'tass'], topics: ['ceasefire'], subscribers: ['alice', 'bob'] });
    const stores = storesOn(dynamo, tables);
    expect((await stores.feeds.listFeeds()).map((f) => f.feedId).sort()).toEqual(['tass', 'un-news']);
    expect(await stores.feeds.getFeed('tass')).toMatchObject({ url: 'https://tass.com/rss/v2.xml', intervalMinutes: 30 });
    expect(await stores.topics.listUserTopics()).toEqual([expect.objectContaining({ id: 'ceasefire', label: 'Ceasefire' })]);
    expect(await stores.subscriptions.getSubscriber('alice')).toMatchObject({
      topics: ['talks', 'ceasefire'],
      channels: [{ kind: 'email', address: 'alice@example.org' }],
      state: 'active',
    });
    expect(await stores.subscriptions.getSubscriber('bob')).toMatchObject({ state: 'paused' });
    const page = await stores.subscriptions.pageByTopic('ceasefire', { limit: 10 });
    expect(page.subscribers.map((s) => s.subscriberId)).toEqual(['alice']);
  });

  it('can be re-run: a feed gets its new definition and keeps its poll state', async () => {
    // Prepare: applied once, then the feed failed a poll
    const tables = await createTables(dynamo.documents, uniquePrefix('apply'));
    await applyPreparedConfig(await prepareConfig(configPath), storesOn(dynamo, tables));
    const stores = storesOn(dynamo, tables);
    await stores.feeds.recordPollFailure('tass', {
      at: '2030-01-01T00:00:00.000Z',
      error: 'HTTP 503',
      nextPollAt: '2030-01-01T00:30:00.000Z',
    });
    const edited = join(dir, 'edited.yaml');
    writeFileSync(edited, configYaml.replace('https://tass.com/rss/v2.xml', 'https://tass.com/rss/v3.xml'));

    // Act
    await applyPreparedConfig(await prepareConfig(edited), storesOn(dynamo, tables));

    // Assess
    expect(await stores.feeds.getFeed('tass')).toMatchObject({
      url: 'https://tass.com/rss/v3.xml',
      consecutiveErrors: 1,
      lastError: 'HTTP 503',
    });
    expect(await stores.feeds.listFeeds()).toHaveLength(2);
  });

  it('refuses a subscriber naming an unknown topic before writing anything', async () => {
    // Prepare
    const tables = await createTables(dynamo.documents, uniquePrefix('apply'));
    const bad = join(dir, 'unknown-topic.yaml');
    writeFileSync(bad, configYaml.replace('topics: [sanctions]', 'topics: [sanctionz]'));

    // Act + Assess
    await expect(applyPreparedConfig(await prepareConfig(bad), storesOn(dynamo, tables))).rejects.toThrow(
      'subscriber "bob" names unknown topic "sanctionz"',
    );
    expect(await storesOn(dynamo, tables).feeds.listFeeds()).toEqual([]);
  });
});

interface StandInStack {
  status: string;
  outputs: Record<string, string>;
}

/** Answers DescribeStacks like CloudFormation (awsQuery XML); other actions get a 400. */
async function startCloudFormationStandIn(
  stacks: Record<string, StandInStack>,
): Promise<{ endpoint: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const name = form.get('StackName') ?? '';
      requests.push(`${form.get('Action')} ${name}`);
      const stack = stacks[name];
      res.setHeader('content-type', 'text/xml');
      if (form.get('Action') !== 'DescribeStacks' || !stack) {
        res.statusCode = 400;
        const message = stack ? `Unsupported action ${form.get('Action')}` : `Stack with id ${name} does not exist`;
        res.end(
          `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${xml(message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
        );
        return;
      }
      const outputs = Object.entries(stack.outputs)
        .map(([key, value]) => `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
        .join('');
      res.end(
        `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>` +
          `<StackName>${xml(name)}</StackName><StackId>arn:aws:cloudformation:${localRegion}:000000000000:stack/${xml(name)}/1</StackId>` +
          `<CreationTime>2030-01-01T00:00:00Z</CreationTime><StackStatus>${stack.status}</StackStatus><Outputs>${outputs}</Outputs>` +
          `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

function outputsFor(tables: ProvisionedTables, only?: TableName[]): Record<string, string> {
  const names = (only ?? (Object.keys(tables) as TableName[])).map((table) => [tableNameOutputKey(table), tables[table]]);
  return Object.fromEntries(names);
}

describe('news-alerts apply-config', () => {
  let tables: ProvisionedTables;
  let standIn: Awaited<ReturnType<typeof startCloudFormationStandIn>>;

  beforeAll(async () => {
    tables = await createTables(dynamo.documents, uniquePrefix('stack'));
    const emptyTables = await createTables(dynamo.documents, uniquePrefix('dry'));
    standIn = await startCloudFormationStandIn({
      NewsAlerts: { status: 'CREATE_COMPLETE', outputs: outputsFor(tables) },
      DryRun: { status: 'UPDATE_COMPLETE', outputs: outputsFor(emptyTables) },
      OldStack: { status: 'UPDATE_ROLLBACK_COMPLETE', outputs: outputsFor(tables, ['feeds', 'items']) },
    });
  });

  afterAll(() => new Promise<void>((resolve) => standIn.server.close(() => resolve())));

  beforeEach(() => {
    // The operator's environment, as for LocalStack: endpoints and credentials from variables.
    for (const name of ['AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_SESSION_TOKEN']) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_REGION', localRegion);
    vi.stubEnv('AWS_ACCESS_KEY_ID', localCredentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', localCredentials.secretAccessKey);
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDFORMATION', standIn.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  });

  afterEach(() => vi.unstubAllEnvs());

  it('writes the file into the tables named by the stack outputs, exit 0', async () => {
    // Act
    const { io, out, err } = captureIo();
    const code = await main(['apply-config', configPath], io);

    // Assess
    expect(err()).toBe('');
    expect(code).toBe(0);
    expect(out()).toContain('wrote 2 feeds, 1 topic, 2 subscribers from news-alerts.yaml to stack NewsAlerts');
    expect(out()).toContain(`${tables.feeds}: un-news, tass`);
    expect(standIn.requests).toContain('DescribeStacks NewsAlerts');
    const stores = storesOn(dynamo, tables);
    expect((await stores.feeds.listFeeds()).map((f) => f.feedId).sort()).toEqual(['tass', 'un-news']);
    expect(await stores.subscriptions.getSubscriber('alice')).toBeDefined();
  });

  it('--dry-run --json reads the stack, prints what it would write and writes nothing', async () => {
    // Act
    const { io, out } = captureIo();
    const code = await main(['apply-config', configPath, '--stack', 'DryRun', '--dry-run', '--json'], io);

    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(out()) as Record<string, unknown>;
    expect(result).toMatchObject({
      stack: 'DryRun',
      dryRun: true,
      feeds: ['un-news', 'tass'],
      topics: ['ceasefire'],
      subscribers: ['alice', 'bob'],
    });
    const dryTables = result.tables as ConfigTableNames;
    expect(dryTables.feeds).toMatch(/^dry-/);
    const client = dynamo.documents;
    expect(await createDynamoDbFeedStore({ client, tableName: dryTables.feeds }).listFeeds()).toEqual([]);
    expect(await createDynamoDbSubscriptionStore({ client, tableName: dryTables.subscriptions }).listSubscribers()).toEqual([]);
  });

  it('says the stack was not found, exit 1', async () => {
    const { io, err } = captureIo();
    expect(await main(['apply-config', configPath, '--stack', 'Nope'], io)).toBe(1);
    expect(err()).toContain(`news-alerts apply-config: stack not found: CloudFormation has no stack of that name in ${localRegion}`);
    expect(err()).toContain('(Nope)');
  });

  it('names the outputs a stack lacks, exit 1', async () => {
    const { io, err } = captureIo();
    expect(await main(['apply-config', configPath, '--stack', 'OldStack'], io)).toBe(1);
    expect(err()).toContain(
      "stack output missing: TableTopicsName, TableSubscriptionsName not among the stack's outputs (status UPDATE_ROLLBACK_COMPLETE)",
    );
  });

  it('says when there are no credentials, exit 1', async () => {
    // Prepare: nothing in the environment, no credentials or config files
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-credentials'));
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);

    // Act
    const { io, err } = captureIo();
    const code = await main(['apply-config', configPath], io);

    // Assess
    expect(code).toBe(1);
    expect(err()).toContain("reading the stack's outputs failed: no AWS credentials found");
    expect(err()).toContain('(NewsAlerts)');
  });

  it('says when the endpoint cannot be reached, exit 1', async () => {
    // Prepare: a port nothing listens on
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDFORMATION', `http://127.0.0.1:${port}`);

    // Act
    const { io, err } = captureIo();
    const code = await main(['apply-config', configPath], io);

    // Assess
    expect(code).toBe(1);
    expect(err()).toContain(
      `reading the stack's outputs failed: cannot reach the AWS endpoint: connect ECONNREFUSED 127.0.0.1:${port} (NewsAlerts)`,
    );
  });

  it('exits 1 with a clear message when the file is missing, before calling AWS', async () => {
    const before = standIn.requests.length;
    const { io, err } = captureIo();
    expect(await main(['apply-config', join(dir, 'missing.yaml')], io)).toBe(1);
    expect(err()).toContain(`config file cannot be read: no such file (${join(dir, 'missing.yaml')})`);
    expect(standIn.requests.length).toBe(before);
  });

  it('is listed in the help and has its own --help, exit 0', async () => {
    const general = captureIo();
    expect(await main(['--help'], general.io)).toBe(0);
    expect(general.out()).toContain('  apply-config  load feeds, topics and subscribers');
    const own = captureIo();
    expect(await main(['apply-config', '--help'], own.io)).toBe(0);
    expect(own.out()).toContain('--stack NAME     CloudFormation stack whose tables to write (default: NewsAlerts)');
  });

  it('exits 2 without FILE', async () => {
    const { io, err } = captureIo();
    expect(await main(['apply-config'], io)).toBe(2);
    expect(err()).toContain('apply-config needs exactly one FILE');
    // The error and a one-line pointer to the help, not the whole help.
    expect(err()).toBe('news-alerts apply-config: apply-config needs exactly one FILE\nRun "news-alerts apply-config --help" for usage.\n');
  });
});
