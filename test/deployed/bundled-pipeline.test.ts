import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { interceptLocalhostDns } from 'fauxqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoFeedFiles,
  demoFeedsDir,
  serveFeedFiles,
  startWebhookReceiver,
  type ReceivedWebhook,
  type RunningServer,
} from '../../cli/demo/fixture-servers.ts';
import { makeAllFeedsDue } from '../../cli/poll-all-now.ts';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import { topology, type FunctionName, type SecretName } from '../../infra/topology.ts';
import { builtinTopics } from '../../shared/classify/index.ts';
import { metricNamespace } from '../../shared/core/metric-names.ts';
import { applyConfig } from '../../shared/config/apply-config.ts';
import { configFileSchema } from '../../shared/config/config-file.ts';
import { silentLog } from '../../shared/core/logger.ts';
import { digestKeyOf } from '../../shared/store/dynamodb/digest-store.ts';
import { startAwsStandIn, type AwsStandIn } from '../helpers/aws-stand-in.ts';
import { localCredentials, localRegion } from '../helpers/engines.ts';
import { bounceNotification } from '../helpers/ses-notifications.ts';
import { parseMessage } from '../integration/delivery/mime-parts.ts';
import { startSmtpListener } from '../integration/delivery/smtp-listener.ts';
import { bundleCacheDir, removeSynthesisOutputs, synthesizeStack } from '../infra/synth-stack.ts';
import { BundleLoadError } from './bundle-loader.ts';
import { createBundledFunctions, type BundledFunctions } from './bundled-functions.ts';
import { findFunctionBundles, readCloudAssembly, type CloudAssembly, type FunctionBundle } from './cloud-assembly.ts';
import { captureStructuredLogs, type StructuredLogCapture } from './structured-log-capture.ts';

/**
 * The deployed artifacts, run: `cdk synth` with bundling (local esbuild, as `cdk deploy` builds
 * them), then the whole pipeline in the one-process runtime with every function's handler taken
 * from its bundle in the cloud assembly, configured only by the environment its template sets
 * (tokens resolved to the embedded engines). The bundles read their secrets from a Secrets Manager
 * stand-in by the ARNs in their environments, and the API its base URL from an SSM stand-in, as
 * in AWS. Fixture feeds on 127.0.0.1, a real webhook receiver, a real SMTP listener. Nothing of
 * the TypeScript sources runs as a handler.
 */

const webhookSecret = `whsec_${Buffer.from('bundled pipeline signing secret').toString('base64')}`;
const functionNames = Object.keys(topology.functions) as FunctionName[];
/** The deployment settings the bundles are built for; the listener's URL replaces the placeholder. */
const smtpDeployment = { mailTransport: 'smtp', smtpUrl: 'smtp://127.0.0.1:2525' };
/** Beyond waitForIdle's 60 s, so a stuck pipeline fails with the queue depths, not a bare timeout. */
const POLL_TEST_TIMEOUT_MS = 90_000;

describe('the deployed bundles, end to end', () => {
  let assembly: CloudAssembly;
  let bundles: Map<FunctionName, FunctionBundle>;
  let bundled: BundledFunctions;
  let runtime: LocalRuntime;
  let dataDir: string;
  let feeds: RunningServer;
  let receiver: RunningServer & { received: ReceivedWebhook[] };
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let logs: StructuredLogCapture;
  let restoreDns: (() => void) | undefined;
  let aws: AwsStandIn;
  /** The ARN the Secrets Manager stand-in holds each generated secret under. */
  const secretArns = new Map<SecretName, string>();
  let publicBaseUrlParameter: string;

  async function pollEverything(): Promise<void> {
    await makeAllFeedsDue(runtime.deps.feeds, runtime.deps.clock.now());
    await runtime.runSchedule('plan-polls');
    await runtime.waitForIdle({ timeoutMs: 60_000, includeNotVisible: true });
  }

  /**
   * What differs from the template on purpose: mail goes to the local listener, and the fixture
   * feeds and receiver on 127.0.0.1 are let through.
   */
  const localVariables = () => ({ SMTP_URL: smtp.url, ALLOW_PRIVATE_NETWORK: 'true' });

  const alertTitles = () => logs.events('alert').map((alert) => String(alert.title));

  beforeAll(async () => {
    // One synthesis with real bundles for the whole file (~10 s), for a deployment that sends by
    // SMTP (as a LocalStack one with mailpit does): a stack for SES bundles no SMTP client.
    assembly = readCloudAssembly(synthesizeStack({ bundle: true, context: smtpDeployment }).outdir);
    bundles = findFunctionBundles(assembly);

    dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-bundled-'));
    feeds = await serveFeedFiles(demoFeedsDir, demoFeedFiles);
    receiver = await startWebhookReceiver();
    smtp = await startSmtpListener();
    // The bundles configure SQS as Lambda does (endpoint from the environment), so the SDK sends
    // each request to its queue URL's host: fauxqs names it sqs.<region>.localhost, which is
    // loopback by RFC 6761 but not in every resolver (glibc's is one). LocalStack's
    // *.localhost.localstack.cloud URLs resolve by public DNS instead.
    restoreDns = interceptLocalhostDns();
    logs = captureStructuredLogs();
    aws = await startAwsStandIn();
    bundled = createBundledFunctions({
      assembly,
      bundles,
      localVariables: localVariables(),
      secretArn: (secret, value) => {
        const arn = aws.secrets.create(secret, value);
        secretArns.set(secret, arn);
        return arn;
      },
      endpoints: { SECRETS_MANAGER: aws.url, SSM: aws.url },
    });
    runtime = await startLocalRuntime({
      dataDir,
      inMemory: true,
      apiPort: 0,
      log: silentLog,
      schedules: false,
      // The runtime's own deps (used here to apply the config) match what the bundles are given.
      mailTransport: 'smtp',
      smtpUrl: smtp.url,
      allowPrivateNetwork: true,
      handlers: bundled.handlers,
    });
    // What the stack's parameter holds once deployed: the API's Function URL (here the local API's).
    publicBaseUrlParameter = bundled.environments.get('http-api')!.PUBLIC_BASE_URL_PARAMETER!;
    aws.parameters.set(publicBaseUrlParameter, `${runtime.apiUrl}/`);

    const config = configFileSchema.parse({
      feeds: demoFeedFiles.map((file) => ({ id: file.replace('.xml', ''), url: `${feeds.url}/${file}` })),
      subscribers: [
        {
          id: 'analyst',
          email: 'analyst@example.org',
          webhooks: [{ url: `${receiver.url}/hooks` }],
          webhookSecret,
          topics: ['un-meeting', 'talks', 'sanctions'],
        },
        // Email once an hour: fan-out keeps its stories for send-digests and compose-digest.
        { id: 'digest-reader', email: 'digests@example.org', cadence: 'hourly', topics: ['un-meeting', 'talks', 'sanctions'] },
      ],
    });
    await applyConfig(
      config,
      runtime.deps,
      builtinTopics.map((topic) => topic.id),
    );
    // Synthesis with bundling takes ~10 s alone and several times that on a busy machine.
  }, 300_000);

  afterAll(async () => {
    await runtime?.stop();
    logs?.stop();
    bundled?.restoreEnvironment();
    restoreDns?.();
    await Promise.all([feeds?.close(), receiver?.close(), smtp?.stop(), aws?.close()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    removeSynthesisOutputs();
  });

  it('takes every topology function from its own bundle in the cloud assembly', () => {
    // Assess
    expect([...bundles.keys()].sort()).toEqual([...functionNames].sort());
    const assetDirs = [...bundles.values()].map((bundle) => bundle.assetDir);
    expect(new Set(assetDirs).size).toBe(functionNames.length);
    for (const bundle of bundles.values()) {
      expect(bundle.file.startsWith(assembly.outdir)).toBe(true);
      expect(bundle.file).toMatch(/\/asset\.[0-9a-f]{64}\/index\.mjs$/);
      expect(bundle.exportName).toBe('handler');
    }
  });

  it('gives each bundle the variables its template sets, tokens resolved to the local engines', () => {
    for (const name of functionNames) {
      // Prepare
      const logicalId = bundles.get(name)!.logicalId;
      const templateVariables = Object.keys(
        (assembly.template.Resources[logicalId]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables,
      );
      const environment = bundled.environments.get(name)!;

      // Assess: every template variable is there, nothing unresolved is left
      for (const variable of templateVariables) expect(environment, `${name} ${variable}`).toHaveProperty(variable);
      for (const [variable, value] of Object.entries(environment)) {
        expect(value, `${name} ${variable}`).not.toMatch(/\{\{resolve:|"Ref"|Fn::/);
      }
      expect(environment.TABLE_FEEDS).toBe(runtime.tables.feeds);
      expect(environment.QUEUE_POLL_URL).toBe(runtime.queues.poll.url);
      expect(environment.AWS_ENDPOINT_URL_DYNAMODB).toBe(runtime.endpoints.dynamodb);
      expect(environment.AWS_ENDPOINT_URL_SQS).toBe(new URL(runtime.queues.poll.url).origin);
      expect(environment.MAIL_TRANSPORT).toBe('smtp');
    }
    // The secrets reach exactly the functions the topology gives them, as the stand-in's ARNs.
    expect([...secretArns.keys()].sort()).toEqual(['admin', 'subscriber-id', 'unsubscribe']);
    expect(bundled.environments.get('deliver-email')!.UNSUBSCRIBE_SECRET_ARN).toBe(secretArns.get('unsubscribe'));
    expect(bundled.environments.get('http-api')).toMatchObject({
      UNSUBSCRIBE_SECRET_ARN: secretArns.get('unsubscribe'),
      SUBSCRIBER_ID_SECRET_ARN: secretArns.get('subscriber-id'),
      ADMIN_TOKEN_SECRET_ARN: secretArns.get('admin'),
    });
    for (const name of ['poll-feed', 'classify-items', 'fan-out', 'deliver-webhook', 'handle-email-feedback'] as const) {
      expect(
        Object.keys(bundled.environments.get(name)!).filter((variable) => variable.endsWith('_SECRET_ARN')),
        name,
      ).toEqual([]);
    }
    // No secret's value is in any environment, under any name.
    for (const [name, environment] of bundled.environments) {
      for (const value of Object.values(bundled.secretValues)) expect(Object.values(environment), name).not.toContain(value);
    }
    // Links in emails start at the Function URL (here the local API); the API reads it from SSM.
    expect(bundled.environments.get('deliver-email')!.PUBLIC_BASE_URL).toBe(`${runtime.apiUrl}/`);
    expect(bundled.environments.get('http-api')).not.toHaveProperty('PUBLIC_BASE_URL');
    expect(publicBaseUrlParameter).toMatch(/^\/.+/);
    expect(bundled.environments.get('http-api')!.AWS_ENDPOINT_URL_SECRETS_MANAGER).toBe(aws.url);
    expect(bundled.environments.get('http-api')!.AWS_ENDPOINT_URL_SSM).toBe(aws.url);
  });

  it(
    'polls the fixture feeds and raises alerts on the seed stories, not on the off-topic items',
    async () => {
      // Act
      await pollEverything();

      // Assess: what the bundles logged, as CloudWatch would hold it
      const polled = logs.events('feed-polled');
      expect(polled.map((event) => event.feedId).sort()).toEqual(['agency-digest', 'moscow-times', 'world-wire']);
      expect(polled.every((event) => event.status === 'ok')).toBe(true);
      expect(polled.reduce((sum, event) => sum + Number(event.new), 0)).toBe(12);
      const titles = alertTitles();
      expect(titles).toContain('Russia Requests UN Security Council Meeting Over ‘European Threats to Peace’ in Ukraine');
      expect(titles).toContain('Moscow Rejects Ukraine Proposal for UN-Mediated Peace Talks');
      expect(titles).toContain('EU Adopts New Sanctions Package Against Russia Targeting Shadow Fleet Tankers');
      for (const offTopic of ['UEFA Sanctions', 'Merger Talks', 'Bolshoi', 'Model UN']) {
        expect(titles.some((title) => title.includes(offTopic))).toBe(false);
      }
      expect(logs.problems()).toEqual([]);
    },
    POLL_TEST_TIMEOUT_MS,
  );

  it('delivers one webhook per alert, signed so that the standardwebhooks library verifies it', () => {
    // Prepare
    const verifier = new Webhook(webhookSecret);

    // Assess
    expect(receiver.received).toHaveLength(logs.events('alert').length);
    const verifiedTitles = receiver.received.map((hook) => {
      const payload = verifier.verify(hook.body, {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      }) as { version: number; story: { title: string }; topics: unknown[] };
      expect(payload.version).toBe(1);
      expect(payload.topics.length).toBeGreaterThan(0);
      return payload.story.title;
    });
    expect(verifiedTitles.sort()).toEqual(alertTitles().sort());
    expect(new Set(receiver.received.map((hook) => hook.headers['webhook-id'])).size).toBe(receiver.received.length);
  });

  it('sends one email per alert over SMTP with RFC 8058 one-click unsubscribe headers', () => {
    // Assess
    expect(smtp.mails).toHaveLength(logs.events('alert').length);
    for (const mail of smtp.mails) {
      expect(mail.to).toEqual(['analyst@example.org']);
      const { headers, parts } = parseMessage(mail.raw);
      expect(headers.get('list-unsubscribe')).toMatch(new RegExp(`^<${runtime.apiUrl}/unsubscribe\\?token=[\\w.-]+>`));
      expect(headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(parts.map((part) => part.contentType.split(';')[0])).toEqual(['text/plain', 'text/html']);
    }
  });

  it("publishes the pipeline metrics in embedded metric format, under the stack's service name", () => {
    // Prepare: the EMF lines among what the bundles wrote, and the service name the stack sets
    const emf = logs.records.filter((record) => (record._aws as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics);
    const serviceName = bundled.environments.get('poll-feed')?.POWERTOOLS_SERVICE_NAME;
    const total = (metric: string, dimensions: Record<string, string> = {}) =>
      emf
        .filter((record) => metric in record && Object.entries(dimensions).every(([name, value]) => record[name] === value))
        .flatMap((record) => [record[metric]].flat())
        .reduce((sum: number, value) => sum + Number(value), 0);
    const alerts = logs.events('alert').length;

    // Assess
    expect(serviceName).toBeTruthy();
    expect(emf.length).toBeGreaterThan(0);
    for (const record of emf) {
      expect(record.service).toBe(serviceName);
      const [directive] = (record._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics;
      expect(directive?.Namespace).toBe(metricNamespace);
    }
    expect(total('FeedsPolled')).toBe(3);
    expect(total('FeedsFailed')).toBe(0);
    expect(total('ItemsNew')).toBe(12);
    expect(total('DeliveriesSent', { channel: 'webhook' })).toBe(alerts);
    expect(total('DeliveriesSent', { channel: 'email' })).toBe(alerts);
  });

  it('serves /api/health, a page and the operator status from the http-api bundle', async () => {
    // Act
    const health = await fetch(`${runtime.apiUrl}/api/health`);
    const page = await fetch(`${runtime.apiUrl}/subscribe`);
    const status = await fetch(`${runtime.apiUrl}/api/admin/status`, {
      headers: { authorization: `Bearer ${bundled.secretValues.admin}` },
    });
    const refused = await fetch(`${runtime.apiUrl}/api/admin/status`, { headers: { authorization: 'Bearer not-the-admin-token-at-all' } });

    // Assess
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', feeds: { total: 3, failing: 0 } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toMatch(/<form[^>]+method="post"/i);
    expect(status.status).toBe(200);
    const report = (await status.json()) as { feeds: { status: string }[]; topics: { topicId: string; stories: unknown[] }[] };
    expect(report.feeds.map((feed) => feed.status)).toEqual(['ok', 'ok', 'ok']);
    expect(report.topics.find((topic) => topic.topicId === 'sanctions')?.stories.length).toBeGreaterThan(0);
    expect(refused.status).toBe(401);
  });

  it('queues a due digest from the send-digests bundle, composed by compose-digest and mailed by deliver-email', async () => {
    // Prepare: the poll left the digest reader's stories waiting for the next full hour. The
    // bundles run on real time, so bring the head's due time to now, as the clock would.
    const head = await runtime.deps.digests.getHead('digest-reader', 'email');
    expect(head).toMatchObject({ cadence: 'hourly' });
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: runtime.endpoints.dynamodb, region: localRegion, credentials: localCredentials }),
    );
    try {
      await documents.send(
        new UpdateCommand({
          TableName: runtime.tables.digests,
          Key: { digestKey: digestKeyOf('digest-reader', 'email'), entryKey: '#head' },
          UpdateExpression: 'SET #dueAt = :now',
          ExpressionAttributeNames: { '#dueAt': 'dueAt' },
          ExpressionAttributeValues: { ':now': new Date().toISOString() },
        }),
      );
    } finally {
      documents.destroy();
    }
    const mailsBefore = smtp.mails.length;
    const composed = bundled.invocations()['compose-digest'].invoked;

    // Act
    const summary = await runtime.runSchedule('send-digests');
    await runtime.waitForIdle({ timeoutMs: 60_000, includeNotVisible: true });

    // Assess: one digest-due message, composed by its bundle into one email with every story
    expect(summary).toMatchObject({ due: 1, queued: 1 });
    expect(bundled.invocations()['compose-digest'].invoked).toBeGreaterThan(composed);
    const digests = smtp.mails.slice(mailsBefore);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.to).toEqual(['digests@example.org']);
    const { headers } = parseMessage(digests[0]!.raw);
    expect(headers.get('subject')).toMatch(/^\[news-alerts\] Hourly digest: \d+ stories/);
    expect(headers.get('list-unsubscribe')).toMatch(new RegExp(`^<${runtime.apiUrl}/unsubscribe\\?token=[\\w.-]+>`));
    // The window is closed: nothing is due any more.
    expect(await runtime.runSchedule('send-digests')).toMatchObject({ queued: 0 });
    expect(logs.problems()).toEqual([]);
  });

  it('pauses the email channel on a permanent bounce, handled by the handle-email-feedback bundle', async () => {
    // Prepare: what SES publishes to the feedback topic for a hard bounce of an email we tagged
    const notification = bounceNotification({
      address: 'analyst@example.org',
      channel: { subscriberId: 'analyst', channelId: 'email' },
      bounceType: 'Permanent',
    });
    const before = bundled.invocations()['handle-email-feedback'].invoked;

    // Act
    const results = await runtime.deliverEmailFeedback(notification);

    // Assess: the bundle ran once and paused the channel it was told of, with the reason
    expect(results).toEqual([
      {
        function: 'handle-email-feedback',
        result: [expect.objectContaining({ status: 'paused', subscriberId: 'analyst', channelId: 'email' })],
      },
    ]);
    expect(bundled.invocations()['handle-email-feedback'].invoked).toBe(before + 1);
    const subscriber = await runtime.deps.subscriptions.getSubscriber('analyst');
    expect(subscriber?.channelStatus?.email).toMatchObject({ state: 'paused', reason: expect.stringMatching(/^permanent bounce/) });
    // Only the email channel: the webhook still gets alerts.
    const webhooks = subscriber!.channels.filter((channel) => channel.kind === 'webhook');
    expect(webhooks).toHaveLength(1);
    for (const webhook of webhooks) expect(subscriber?.channelStatus?.[webhook.channelId]?.state).not.toBe('paused');
  });

  it('leaves every dead-letter queue empty, and no bundle invocation failed', async () => {
    // Act
    const depths = await runtime.queueDepths();
    const invocations = bundled.invocations();

    // Assess
    for (const [queue, depth] of Object.entries(depths)) {
      expect(depth.deadLetters, `${queue} DLQ`).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
      expect(depth.visible + depth.notVisible + depth.delayed, `${queue} queue`).toBe(0);
    }
    for (const name of functionNames) {
      expect(invocations[name].invoked, `${name} invoked`).toBeGreaterThan(0);
      expect(invocations[name].failures, `${name} failures`).toEqual([]);
    }
  });

  it(
    'delivers nothing on a second poll of the same feeds',
    async () => {
      // Prepare
      const before = { hooks: receiver.received.length, mails: smtp.mails.length, alerts: logs.events('alert').length };

      // Act
      await pollEverything();

      // Assess
      expect(logs.events('feed-polled')).toHaveLength(6);
      expect(logs.events('alert')).toHaveLength(before.alerts);
      expect(receiver.received).toHaveLength(before.hooks);
      expect(smtp.mails).toHaveLength(before.mails);
      expect(logs.problems()).toEqual([]);
    },
    POLL_TEST_TIMEOUT_MS,
  );

  it('unsubscribes with one click on a link deliver-email signed, answered by the http-api bundle', async () => {
    // Prepare: the two bundles share the generated unsubscribe key only through their environments
    const link = /^<([^>]+)>/.exec(parseMessage(smtp.mails[0]!.raw).headers.get('list-unsubscribe') ?? '')?.[1];
    expect(link).toBeDefined();

    // Act
    const response = await fetch(link!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

    // Assess
    expect(response.status).toBe(200);
    const subscriber = await runtime.deps.subscriptions.getSubscriber('analyst');
    expect(Object.values(subscriber?.channelStatus ?? {}).map((status) => status.state)).toContain('unsubscribed');
  });

  it("links a new subscriber's confirmation to the base URL the http-api bundle reads from SSM", async () => {
    // Prepare
    const mailsBefore = smtp.mails.length;

    // Act: a subscription by email, answered by a confirmation email from the API itself
    const response = await fetch(`${runtime.apiUrl}/api/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: { kind: 'email', address: 'reader@example.org' }, topics: ['talks'] }),
    });

    // Assess: the API's environment has no URL, only the parameter's name; the link is the parameter's value
    expect(response.status).toBe(202);
    expect(smtp.mails).toHaveLength(mailsBefore + 1);
    const confirmation = smtp.mails[mailsBefore]!;
    expect(confirmation.to).toEqual(['reader@example.org']);
    const text = parseMessage(confirmation.raw).parts.find((part) => part.contentType.startsWith('text/plain'))?.body ?? '';
    const link = new RegExp(`${runtime.apiUrl.replaceAll('.', '\\.')}/confirm\\?token=[\\w.-]+`).exec(text)?.[0];
    expect(link).toBeDefined();
    expect((await fetch(link!)).status).toBe(200);
    expect(aws.callsOf('GetParameter', publicBaseUrlParameter)).toBeGreaterThan(0);
  });

  it('read every secret from Secrets Manager by the ARN in its environment, and nothing else', () => {
    // Assess: the admin token (status request), the unsubscribe key (links, tokens) and the
    // subscriber-id key (the new email subscriber) were each asked for as AWSCURRENT
    for (const secret of ['admin', 'unsubscribe', 'subscriber-id'] as const) {
      expect(aws.callsOf('GetSecretValue', secretArns.get(secret)!, 'AWSCURRENT'), secret).toBeGreaterThan(0);
    }
    const known = new Set([...secretArns.values(), publicBaseUrlParameter]);
    expect(aws.calls.filter((call) => !known.has(call.id))).toEqual([]);
  });

  it('refuses to start when a bundle misses a module, naming the function', async () => {
    // Prepare: fan-out's real bundle, plus an import of a package it left out (staged where the
    // assembly's bundles are, so Node loads it as it loads them)
    const brokenDir = await mkdtemp(join(bundleCacheDir(), 'broken-fan-out-'));
    const fanOut = bundles.get('fan-out')!;
    const brokenFile = join(brokenDir, 'index.mjs');
    await writeFile(brokenFile, `import 'news-alerts-left-out-module';\n${await readFile(fanOut.file, 'utf8')}`);
    const broken = createBundledFunctions({
      assembly,
      bundles: new Map(bundles).set('fan-out', { ...fanOut, file: brokenFile }),
      localVariables: localVariables(),
    });

    try {
      // Act
      const starting = startLocalRuntime({
        dataDir,
        inMemory: true,
        apiPort: 0,
        log: silentLog,
        schedules: false,
        handlers: broken.handlers,
      });

      // Assess
      await expect(starting).rejects.toThrow(BundleLoadError);
      await expect(starting).rejects.toThrow(
        /^function bundle could not be loaded: ERR_MODULE_NOT_FOUND: .*news-alerts-left-out-module.* \(function fan-out, .*index\.mjs\)$/,
      );
    } finally {
      broken.restoreEnvironment();
      await rm(brokenDir, { recursive: true, force: true });
    }
  });
});
