import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer, type FunctionUrlHandler } from '../../../infra/local/api-server.ts';
import { queueEnvName, tableEnvName } from '../../../infra/local/local-env.ts';
import type { QueueName, TableName } from '../../../infra/topology.ts';
import { silentLog } from '../../../shared/core/logger.ts';
import { startAwsStandIn, type AwsStandIn } from '../../helpers/aws-stand-in.ts';
import {
  createQueues,
  createTables,
  startDynalite,
  startFauxqs,
  uniquePrefix,
  type TestDynalite,
  type TestFauxqs,
} from '../../helpers/engines.ts';
import { linkTo, readOutbox } from './outbox.ts';

/**
 * The HTTP API as Lambda runs it: the exported `handler` builds its own deps from
 * `process.env` as the stack sets it (secret ARNs, the URL parameter's name, no secret value),
 * and reads the secrets and its base URL through our own signed JSON client (shared/aws-http)
 * from a local stand-in of Secrets Manager and SSM. DynamoDB and SQS are the embedded engines,
 * reached through `AWS_ENDPOINT_URL_*` like any AWS endpoint. This file runs in its own process.
 */

const PUBLIC_BASE = 'https://abc123.lambda-url.eu-west-1.on.aws';
const PARAMETER = '/NewsAlerts/http-api/public-base-url';
const MAX_AGE_SECONDS = 1;

describe('the HTTP API on the AWS path (Secrets Manager and SSM stand-in)', () => {
  let aws: AwsStandIn;
  let dynamo: TestDynalite;
  let sqs: TestFauxqs;
  let server: ApiServer;
  let outboxDir: string;
  let unsubscribeArn: string;
  let adminToken: string;

  beforeAll(async () => {
    aws = await startAwsStandIn();
    dynamo = await startDynalite();
    sqs = await startFauxqs();
    outboxDir = await mkdtemp(join(tmpdir(), 'news-alerts-aws-path-'));
    const prefix = uniquePrefix('aws-path');
    const tables = await createTables(dynamo.documents, prefix);
    const queues = await createQueues(sqs.queues, { prefix });

    unsubscribeArn = aws.secrets.create('SecretsUnsubscribeSecret', 'first-unsubscribe-key-0123456789abcdefghij');
    const subscriberIdArn = aws.secrets.create('SecretsSubscriberIdSecret', 'subscriber-id-key-0123456789abcdefghijkl');
    adminToken = 'admin-token-0123456789abcdefghijklmnopqrstuv';
    const adminArn = aws.secrets.create('SecretsAdminSecret', adminToken);
    aws.parameters.set(PARAMETER, `${PUBLIC_BASE}/`);

    // What the stack puts in the function's environment: names, URLs, ARNs; no secret value.
    Object.assign(process.env, aws.environment(), {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // fauxqs names its queues by this host (a loopback name): the SDK then takes the URLs as they are.
      AWS_ENDPOINT_URL_SQS: new URL(queues.poll.url).origin,
      ...Object.fromEntries((Object.entries(tables) as [TableName, string][]).map(([table, name]) => [tableEnvName(table), name])),
      ...Object.fromEntries((Object.entries(queues) as [QueueName, { url: string }][]).map(([queue, q]) => [queueEnvName(queue), q.url])),
      MAIL_TRANSPORT: 'outbox',
      OUTBOX_DIR: outboxDir,
      MAIL_FROM: 'News Alerts <alerts@example.org>',
      LOG_LEVEL: 'SILENT',
      PUBLIC_BASE_URL_PARAMETER: PARAMETER,
      UNSUBSCRIBE_SECRET_ARN: unsubscribeArn,
      SUBSCRIBER_ID_SECRET_ARN: subscriberIdArn,
      ADMIN_TOKEN_SECRET_ARN: adminArn,
      SECRETS_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
    });
    delete process.env.PUBLIC_BASE_URL;

    // Imported only now: the Lambda entry reads process.env at its first event.
    const { handler } = await import('../../../functions/http-api/handler.ts');
    server = await startApiServer({ handler: handler as unknown as FunctionUrlHandler, log: silentLog, port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await aws?.close();
    await sqs?.stop();
    await dynamo?.stop();
    await rm(outboxDir, { recursive: true, force: true });
  });

  /** The local server's URL for a link the API built with its public base. */
  const local = (link: string) => {
    expect(link.startsWith(`${PUBLIC_BASE}/`), link).toBe(true);
    return `${server.url}${link.slice(PUBLIC_BASE.length)}`;
  };
  const readSubscription = (token: string) => fetch(`${server.url}/api/subscription`, { headers: { authorization: `Bearer ${token}` } });
  const keyIdOf = (link: string) => new URL(link).searchParams.get('token')!.split('.')[0];
  /** Waits out the cache of secrets, so the next request reads them again. */
  const afterMaxAge = () => sleep(MAX_AGE_SECONDS * 1000 + 200);

  let manageLink: string;

  it('builds the links of emails and pages from the SSM parameter, never from the Host header', async () => {
    // Act: subscribe, then confirm through the page's form (CSRF cookie and field)
    const subscribed = await fetch(`${server.url}/api/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: { kind: 'email', address: 'reader@example.org' }, topics: ['talks'] }),
    });
    const [confirmation] = await readOutbox(outboxDir);
    const page = await fetch(local(linkTo(confirmation!, '/confirm')));
    const html = await page.text();
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    const form = new URLSearchParams({
      token: /name="token" value="([^"]+)"/.exec(html)![1]!,
      csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!,
    });
    const confirmed = await fetch(`${server.url}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: form.toString(),
    });
    const confirmedHtml = await confirmed.text();

    // Assess
    expect(subscribed.status).toBe(202);
    expect(confirmation!.to).toBe('reader@example.org');
    expect(page.status).toBe(200);
    expect(confirmed.status).toBe(200);
    // The page links within the site; the API answers with the absolute manage link.
    const pageLink = /href="(\/manage\?token=[^"]+)"/.exec(confirmedHtml)![1]!.replace(/&amp;/g, '&');
    const read = await readSubscription(new URL(pageLink, PUBLIC_BASE).searchParams.get('token')!);
    manageLink = ((await read.json()) as { manageUrl: string }).manageUrl;
    expect(read.status).toBe(200);
    expect(manageLink.startsWith(`${PUBLIC_BASE}/manage?token=`)).toBe(true);
    expect(confirmedHtml).not.toContain(server.url.replace('http://', ''));
    expect(aws.callsOf('GetParameter', PARAMETER)).toBeGreaterThanOrEqual(1);
  });

  it('reads the operator token from Secrets Manager', async () => {
    const ok = await fetch(`${server.url}/api/admin/status`, { headers: { authorization: `Bearer ${adminToken}` } });
    const wrong = await fetch(`${server.url}/api/admin/status`, { headers: { authorization: 'Bearer not-the-admin-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(wrong.status).toBe(401);
  });

  it('keeps links working across a rotation once the cached key expires, signing new ones with the new key', async () => {
    // Prepare
    const oldToken = new URL(manageLink).searchParams.get('token')!;

    // Act: put-secret-value, then wait out the cache (no redeploy, no restart)
    aws.secrets.put(unsubscribeArn, 'second-unsubscribe-key-0123456789abcdefghi');
    await afterMaxAge();
    const response = await readSubscription(oldToken);
    const body = (await response.json()) as { manageUrl: string };

    // Assess: the old link still verifies (AWSPREVIOUS); the link it gets back is signed with the new key
    expect(response.status).toBe(200);
    expect(body.manageUrl.startsWith(`${PUBLIC_BASE}/manage?token=`)).toBe(true);
    expect(keyIdOf(body.manageUrl)).not.toBe(keyIdOf(manageLink));
    expect(aws.callsOf('GetSecretValue', unsubscribeArn, 'AWSPREVIOUS')).toBeGreaterThanOrEqual(1);
    expect((await readSubscription(new URL(body.manageUrl).searchParams.get('token')!)).status).toBe(200);
    manageLink = body.manageUrl;
  });

  it('retires a key at the rotation after next: its links stop, the next key’s still work, and the subscriber keeps its id', async () => {
    // Prepare: a link signed before the first rotation, and one after it
    const [confirmation] = await readOutbox(outboxDir);
    const firstKeyToken = new URL(linkTo(confirmation!, '/confirm')).searchParams.get('token')!;
    const secondKeyToken = new URL(manageLink).searchParams.get('token')!;

    // Act
    aws.secrets.put(unsubscribeArn, 'third-unsubscribe-key-0123456789abcdefghij');
    await afterMaxAge();
    const confirmPage = await fetch(`${server.url}/confirm?token=${encodeURIComponent(firstKeyToken)}`);
    const stillValid = await readSubscription(secondKeyToken);
    const again = await fetch(`${server.url}/api/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: { kind: 'email', address: 'Reader@Example.org' }, topics: ['talks'] }),
    });
    const emails = await readOutbox(outboxDir);

    // Assess: the first key is gone; the same address finds the same subscriber (an
    // "already subscribed" note with its manage link, not a second confirmation)
    expect(confirmPage.status).toBe(400);
    expect(stillValid.status).toBe(200);
    expect(again.status).toBe(202);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.to).toBe('reader@example.org');
    expect(emails[1]!.links.some((link) => link.startsWith(`${PUBLIC_BASE}/manage?token=`))).toBe(true);
    expect(emails[1]!.links.some((link) => new URL(link).pathname === '/confirm')).toBe(false);
  });
});
