/**
 * The steps of `npm run smoke:localstack`, against a running LocalStack (compose.yaml); each
 * prints one line through `step`, and a failure names its step:
 *
 * 1. localstack: every service the stack uses is available (`/_localstack/health`).
 * 2. fixtures and mailbox: the fixture service answers; it and the mailbox start empty.
 * 3. ses identity: (ses-raw) the sender verified with SES v1, as SendRawEmail requires.
 * 4. clean: a stack left by an earlier run is destroyed first.
 * 5. bootstrap, 6. deploy: `cdklocal bootstrap` and `cdklocal deploy` with the LocalStack
 *    context (mailTransport, smtpUrl, allowPrivateNetwork=true, architecture of the host).
 * 7. outputs: the Function URL, the table names, the plan-polls function.
 * 8. subscribe webhook: through the JSON API, active once the fixture receiver echoed the
 *    intent-verification challenge.
 * 9. subscribe email: 202, the confirmation email arrives, its link's page and form confirm.
 * 10. apply config: `news-alerts apply-config --stack` loads a fixture feed (1-minute interval).
 * 11. plan-polls: invoked (Lambda Invoke) with a scheduled event, answers without error.
 * 12. webhook: at least one arrives and every one verifies with `standardwebhooks`, version 1.
 * 13. email: an alert email arrives with List-Unsubscribe (http URL) and List-Unsubscribe-Post.
 * 14. api health: `/api/health` through the Function URL answers ok with the feed, none failing.
 * 15. second run: once the first deliveries have settled, the feed polled again (plan-polls until
 *     it is) delivers nothing new.
 * 16. unsubscribe: the one-click POST (RFC 8058) to the List-Unsubscribe URL answers 200.
 * 17. mail stopped: a new story reaches the webhook, and no email reaches the unsubscribed reader.
 * 18. dead-letter queues: every DLQ of the stack empty after all of it.
 * 19. destroy: `cdklocal destroy`; the stack is gone, the durable tables and their rows stay.
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetIdentityVerificationAttributesCommand, SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { lastLines, runNodeScript } from './run-node-script.ts';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { queuePairsFromStack } from '../../cli/dead-letter-queues.ts';
import { readStackOutputs, tableNamesFromOutputs } from '../../cli/deployed-stack.ts';
import { LOCALSTACK_ACCOUNT } from '../../infra/aws/deployment-settings.ts';
import { functionUrlOutputKey } from '../../infra/aws/stack-outputs.ts';
import { constructIdFor, topologyTagKeys } from '../../infra/aws/resource-tags.ts';
import { topology, type FunctionName, type TableName } from '../../infra/topology.ts';
import { createFixturesClient, type ReceivedWebhook } from './fixtures-client.ts';
import { createLocalStackSesMailbox, createMailpitMailbox, type Mailbox } from './mailboxes.ts';
import { missingServices, type LocalStackProbe } from './probe-localstack.ts';
import { linkTo, type ReadMessage } from './read-message.ts';
import { runCdklocal, type CdklocalTarget } from './run-cdklocal.ts';
import { deployContext, type SmokeSettings } from './smoke-settings.ts';
import { sleep, waitFor, waitForSettled } from './wait-for.ts';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const TOPICS = ['un-meeting', 'talks', 'sanctions'];
/** How long deliveries may take: cold starts of the seven functions on the way (plan-polls, poll-feed, classify-items, fan-out, the two deliveries, http-api) in fresh containers, then SQS hops. */
const DELIVERY_TIMEOUT_MS = 240_000;
/** Quiet time after which "nothing more arrived" is believed. */
const SETTLE_MS = 30_000;

/** Runs one named step; prints its line, and throws when it fails. */
export type Step = (name: string, run: () => Promise<string>) => Promise<void>;

export interface SmokeHooks {
  step: Step;
  /** Called when the deploy starts: from then on a failure leaves a stack behind. */
  onDeploy: () => void;
}

/** Runs every step in order; the first failure stops the run. */
export async function runSmokeSteps(
  settings: SmokeSettings,
  probe: Extract<LocalStackProbe, { reachable: true }>,
  { step, onDeploy }: SmokeHooks,
): Promise<void> {
  const aws = { endpoint: settings.endpoint, region: settings.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const cloudFormation = new CloudFormationClient(aws);
  const lambda = new LambdaClient(aws);
  const sqs = new SQSClient(aws);
  const dynamodb = new DynamoDBClient(aws);
  const ses = new SESClient(aws);
  const cdk: CdklocalTarget = {
    cwd: repositoryRoot,
    region: settings.region,
    ...(settings.customEndpoint ? { endpoint: settings.endpoint } : {}),
  };
  const fixtures = createFixturesClient(settings.fixturesUrl);
  const mailbox: Mailbox =
    settings.mailTransport === 'smtp' ? createMailpitMailbox(settings.mailpitUrl) : createLocalStackSesMailbox(settings.endpoint);
  const run = Date.now().toString(36);
  const reader = `reader-${run}@news-alerts.test`;
  const hook = `smoke-${run}`;
  const stack = settings.stackName;

  let apiUrl = '';
  let tableNames: Record<TableName, string> = {} as Record<TableName, string>;
  let webhookSecret = '';
  let planPollsName = '';
  let alertEmails = 0;
  let unsubscribeUrl = '';

  await step('localstack', async () => {
    const missing = missingServices(probe.services);
    if (missing.length > 0) throw new Error(`services not available: ${missing.join(', ')} (${settings.endpoint}/_localstack/health)`);
    return `${probe.edition} ${probe.version} at ${settings.endpoint}, every service the stack uses available`;
  });

  await step('fixtures and mailbox', async () => {
    await fixtures.health();
    await fixtures.reset();
    await mailbox.clear();
    return `fixture service at ${settings.fixturesUrl} reset; ${mailbox.name} emptied`;
  });

  await step('ses identity', async () => {
    if (settings.mailTransport === 'smtp') return `not used: mail goes over SMTP to ${settings.smtpUrl}`;
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: settings.mailFrom }));
    const { VerificationAttributes = {} } = await ses.send(
      new GetIdentityVerificationAttributesCommand({ Identities: [settings.mailFrom] }),
    );
    const status = VerificationAttributes[settings.mailFrom]?.VerificationStatus;
    if (status !== 'Success') throw new Error(`${settings.mailFrom} is ${status ?? 'unknown'} after VerifyEmailIdentity, not Success`);
    return `${settings.mailFrom} verified (SES v1)`;
  });

  await step('clean', async () => {
    if (!(await stackExists(cloudFormation, stack))) return `no stack ${stack} left from an earlier run`;
    await runCdklocal(['destroy', stack, '--force', ...deployContext(settings)], cdk);
    return `removed the stack ${stack} an earlier run left`;
  });

  await step('bootstrap', async () => {
    await runCdklocal(['bootstrap', `aws://${LOCALSTACK_ACCOUNT}/${settings.region}`, ...deployContext(settings)], cdk);
    return `cdklocal bootstrap aws://${LOCALSTACK_ACCOUNT}/${settings.region}`;
  });

  await step('deploy', async () => {
    onDeploy();
    await runCdklocal(['deploy', stack, '--require-approval', 'never', ...deployContext(settings)], cdk);
    return `cdklocal deploy ${stack} ${deployContext(settings)
      .filter((_, i) => i % 2 === 1)
      .join(' ')}`;
  });

  await step('outputs', async () => {
    const description = await readStackOutputs(cloudFormation, stack);
    apiUrl = description.outputs.find((output) => output.OutputKey === functionUrlOutputKey('http-api'))?.OutputValue ?? '';
    if (!apiUrl) throw new Error(`no ${functionUrlOutputKey('http-api')} output (status ${description.status})`);
    apiUrl = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
    tableNames = tableNamesFromOutputs(description, stack, Object.keys(topology.tables) as TableName[]);
    planPollsName = await functionNameOf(cloudFormation, lambda, stack, 'plan-polls');
    return `HTTP API ${apiUrl}, ${Object.keys(tableNames).length} tables, plan-polls is ${planPollsName}`;
  });

  await step('subscribe webhook', async () => {
    const url = `${settings.fixturesInternalUrl}/hooks/${hook}`;
    const response = await postJson(`${apiUrl}api/subscriptions`, { channel: { kind: 'webhook', url }, topics: TOPICS });
    const body = (await response.json()) as { status?: string; webhookSecret?: string };
    if (response.status !== 201 || !body.webhookSecret)
      throw new Error(`POST /api/subscriptions answered ${response.status} ${JSON.stringify(body)}`);
    webhookSecret = body.webhookSecret;
    const { challenges } = await fixtures.received();
    if (challenges < 1) throw new Error('the subscription is active but the receiver answered no intent-verification challenge');
    return `${url} active after echoing the intent-verification challenge`;
  });

  await step('subscribe email', async () => {
    const response = await postJson(`${apiUrl}api/subscriptions`, { channel: { kind: 'email', address: reader }, topics: TOPICS });
    if (response.status !== 202) throw new Error(`POST /api/subscriptions answered ${response.status} ${await response.text()}`);
    const confirmation = await waitFor(
      `the confirmation email to ${reader}`,
      async () => (await mailbox.messagesTo(reader)).find((message) => linkTo(message, '/confirm')),
      { timeoutMs: DELIVERY_TIMEOUT_MS },
    );
    const confirmUrl = linkTo(confirmation, '/confirm')!;
    await confirmThroughPage(confirmUrl);
    return `${reader} confirmed through the link in "${confirmation.header('subject')}" (${mailbox.name})`;
  });

  await step('apply config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'news-alerts-smoke-'));
    try {
      const file = join(dir, 'smoke-config.json');
      const url = `${settings.fixturesInternalUrl}/feeds/world-wire.xml`;
      await writeFile(file, JSON.stringify({ feeds: [{ id: `smoke-${run}`, title: 'World Wire (fixtures)', url, intervalMinutes: 1 }] }));
      const output = await runCli(['apply-config', file, '--stack', stack], settings);
      return `${output.trim().split('\n')[0]} (feed ${url})`;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  await step('plan-polls', async () => invokePlanPolls(lambda, planPollsName));

  await step('webhook', async () => {
    const hooks = await waitFor(`a webhook at ${hook}`, async () => nonEmpty((await fixtures.received()).hooks[hook]), {
      timeoutMs: DELIVERY_TIMEOUT_MS,
    });
    const titles = hooks.map((received) => verifyWebhook(received, webhookSecret));
    return `${hooks.length} delivered, each verified with standardwebhooks; first: "${titles[0]}"`;
  });

  await step('email', async () => {
    const alert = await waitFor(`an alert email to ${reader}`, async () => alertsOf(await mailbox.messagesTo(reader))[0], {
      timeoutMs: DELIVERY_TIMEOUT_MS,
    });
    const listUnsubscribe = alert.header('list-unsubscribe');
    unsubscribeUrl = /<(https?:\/\/[^>]+\/unsubscribe\?token=[^>]+)>/.exec(listUnsubscribe)?.[1] ?? '';
    if (!unsubscribeUrl) throw new Error(`List-Unsubscribe has no http(s) unsubscribe URL: "${listUnsubscribe}"`);
    if (alert.header('list-unsubscribe-post') !== 'List-Unsubscribe=One-Click') {
      throw new Error(`List-Unsubscribe-Post is "${alert.header('list-unsubscribe-post')}", not "List-Unsubscribe=One-Click" (RFC 8058)`);
    }
    return `"${alert.header('subject')}" with List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)`;
  });

  await step('api health', async () => {
    const response = await fetch(`${apiUrl}api/health`, { signal: AbortSignal.timeout(30_000) });
    const body = (await response.json().catch(() => ({}))) as { status?: string; feeds?: { total?: number } };
    if (response.status !== 200 || body.status !== 'ok')
      throw new Error(`GET /api/health answered ${response.status} ${JSON.stringify(body)}`);
    return `GET ${apiUrl}api/health: ok, ${body.feeds?.total ?? 0} feed(s), none failing`;
  });

  await step('second run', async () => {
    // Every story of the first poll delivered first: counts that stay put for a while.
    const webhooksBefore = await waitForSettled(
      'webhooks of the first poll',
      async () => (await fixtures.received()).hooks[hook]?.length ?? 0,
      {
        quietMs: SETTLE_MS,
        timeoutMs: DELIVERY_TIMEOUT_MS,
      },
    );
    alertEmails = await waitForSettled('alert emails of the first poll', async () => alertsOf(await mailbox.messagesTo(reader)).length, {
      quietMs: SETTLE_MS,
      timeoutMs: DELIVERY_TIMEOUT_MS,
    });
    const polled = (await fixtures.received()).feeds['world-wire.xml'] ?? 0;
    // The feed is due again a minute after its poll; plan-polls is asked until it polls it.
    await waitFor(
      'a second poll of the feed',
      async () => {
        await invokePlanPolls(lambda, planPollsName);
        return ((await fixtures.received()).feeds['world-wire.xml'] ?? 0) > polled ? true : undefined;
      },
      { timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 15_000 },
    );
    await sleep(SETTLE_MS);
    const webhooksAfter = (await fixtures.received()).hooks[hook]?.length ?? 0;
    const emailsAfter = alertsOf(await mailbox.messagesTo(reader)).length;
    if (webhooksAfter !== webhooksBefore || emailsAfter !== alertEmails) {
      throw new Error(
        `the same feed polled again delivered more: webhooks ${webhooksBefore} → ${webhooksAfter}, emails ${alertEmails} → ${emailsAfter}`,
      );
    }
    return `the feed polled again, nothing new delivered (${webhooksAfter} webhooks, ${emailsAfter} alert emails)`;
  });

  await step('unsubscribe', async () => {
    const response = await fetch(unsubscribeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status !== 200) throw new Error(`the one-click POST answered ${response.status}`);
    return `one-click POST to the List-Unsubscribe URL answered 200`;
  });

  await step('mail stopped', async () => {
    const webhooksBefore = (await fixtures.received()).hooks[hook]?.length ?? 0;
    const title = await fixtures.publishLateItem();
    const arrived = await waitFor(
      `the new story "${title}" at the webhook`,
      async () => {
        const hooks = ((await fixtures.received()).hooks[hook] ?? []).slice(webhooksBefore);
        if (hooks.some((received) => storyTitleOf(received) === title)) return hooks;
        await invokePlanPolls(lambda, planPollsName);
        return undefined;
      },
      { timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 15_000 },
    );
    for (const received of arrived) verifyWebhook(received, webhookSecret);
    await sleep(SETTLE_MS);
    const emails = alertsOf(await mailbox.messagesTo(reader)).length;
    if (emails !== alertEmails) throw new Error(`${emails - alertEmails} alert email(s) reached ${reader} after the one-click unsubscribe`);
    return `the new story reached the webhook; no email to ${reader} after unsubscribing`;
  });

  await step('dead-letter queues', async () => {
    const pairs = await queuePairsFromStack(cloudFormation, sqs, stack);
    const depths = await Promise.all(
      Object.values(pairs).map(async (pair) => {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: pair.dlqUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return {
          name: pair.name,
          depth: Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        };
      }),
    );
    const full = depths.filter((queue) => queue.depth > 0);
    if (full.length > 0)
      throw new Error(
        `dead letters in ${full.map((queue) => `${queue.name} (${queue.depth})`).join(', ')}; see npx news-alerts dlq list --stack ${stack}`,
      );
    return `${depths.length} DLQs empty`;
  });

  await step('destroy', async () => {
    await runCdklocal(['destroy', stack, '--force', ...deployContext(settings)], cdk);
    if (await stackExists(cloudFormation, stack)) throw new Error(`stack ${stack} still exists after cdklocal destroy`);
    const durable = (Object.keys(topology.tables) as TableName[]).filter((name) => topology.tables[name].durable);
    for (const name of durable) {
      await dynamodb.send(new DescribeTableCommand({ TableName: tableNames[name] })).catch((error: Error) => {
        throw new Error(`the durable ${name} table ${tableNames[name]} is gone after destroy: ${error.name}`);
      });
    }
    const { Count = 0 } = await dynamodb.send(new ScanCommand({ TableName: tableNames.subscriptions, Select: 'COUNT' }));
    if (Count < 1) throw new Error(`the retained subscriptions table ${tableNames.subscriptions} is empty`);
    return `stack gone; kept ${durable.join(', ')} (RETAIN), subscriptions still holding ${Count} row(s)`;
  });

  /** GET the confirmation page (CSRF field and cookie), then POST its form, as a browser would. */
  async function confirmThroughPage(confirmUrl: string): Promise<void> {
    const page = await fetch(confirmUrl, { signal: AbortSignal.timeout(30_000) });
    const html = await page.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    if (page.status !== 200 || !csrf || !cookie)
      throw new Error(`GET ${new URL(confirmUrl).pathname} answered ${page.status} without a form to confirm`);
    const token = new URL(confirmUrl).searchParams.get('token') ?? '';
    const confirmed = await fetch(new URL('/confirm', confirmUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ csrf, token }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    if (confirmed.status !== 200) throw new Error(`POST /confirm answered ${confirmed.status}`);
  }
}

/** The emails that are alerts (not the subscription's confirmation). */
function alertsOf(messages: ReadMessage[]): ReadMessage[] {
  return messages.filter((message) => !linkTo(message, '/confirm'));
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/** The story title of a webhook's body, unverified (for waiting; `verifyWebhook` checks it). */
function storyTitleOf(received: ReceivedWebhook): string | undefined {
  try {
    return (JSON.parse(received.body) as { story?: { title?: string } }).story?.title;
  } catch {
    return undefined;
  }
}

/** Verifies a received webhook's Standard Webhooks signature; returns its story's title. */
function verifyWebhook(received: ReceivedWebhook, secret: string): string {
  let payload: { version?: number; type?: string; story?: { title?: string } };
  try {
    payload = new Webhook(secret).verify(received.body, received.headers) as typeof payload;
  } catch (error) {
    throw new Error(
      `webhook ${received.headers['webhook-id'] ?? '(no id)'} does not verify with standardwebhooks: ${(error as Error).message}`,
    );
  }
  if (payload.version !== 1 || payload.type !== 'story.alert' || !payload.story?.title) {
    throw new Error(`webhook ${received.headers['webhook-id']} is not a version 1 story.alert: ${received.body.slice(0, 200)}`);
  }
  return payload.story.title;
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
}

async function stackExists(client: CloudFormationClient, stack: string): Promise<boolean> {
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stack }));
    return Stacks.some((found) => found.StackStatus !== 'DELETE_COMPLETE');
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) return false;
    throw error;
  }
}

/** The physical name of a topology function: by its topology tag, else by its logical id. */
async function functionNameOf(
  cloudFormation: CloudFormationClient,
  lambda: LambdaClient,
  stack: string,
  name: FunctionName,
): Promise<string> {
  const { StackResourceSummaries = [] } = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stack }));
  const functions = StackResourceSummaries.filter(
    (resource) => resource.ResourceType === 'AWS::Lambda::Function' && resource.PhysicalResourceId,
  );
  for (const resource of functions) {
    const { Tags = {} } = await lambda.send(new GetFunctionCommand({ FunctionName: resource.PhysicalResourceId }));
    if (Tags[topologyTagKeys.function] === name) return resource.PhysicalResourceId!;
  }
  const byId = functions.find((resource) => resource.LogicalResourceId?.includes(`${constructIdFor(name)}Function`));
  if (byId) return byId.PhysicalResourceId!;
  throw new Error(`no ${name} function in stack ${stack} (none tagged ${topologyTagKeys.function}=${name})`);
}

/** Invokes plan-polls with an EventBridge scheduled event, as its rule does, and waits for its answer. */
async function invokePlanPolls(lambda: LambdaClient, functionName: string): Promise<string> {
  const event = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCALSTACK_ACCOUNT,
    time: new Date().toISOString(),
    region: await lambda.config.region(),
    resources: [],
    detail: {},
  };
  const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
  const payload = Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8');
  if (result.FunctionError) throw new Error(`plan-polls failed (${result.FunctionError}): ${payload.slice(0, 300)}`);
  return `invoked ${functionName}: ${payload.slice(0, 200)}`;
}

/** Runs the news-alerts CLI against LocalStack as an operator would (`AWS_ENDPOINT_URL`, any key). */
async function runCli(args: string[], settings: SmokeSettings): Promise<string> {
  const run = await runNodeScript(join(repositoryRoot, 'cli', 'bin.js'), args, {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: settings.endpoint,
      AWS_REGION: settings.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
  });
  if (run.code === 0) return run.text;
  throw new Error(`news-alerts ${args[0]} exited with ${run.code}: ${lastLines(run.text, 5, ' | ')}`);
}
