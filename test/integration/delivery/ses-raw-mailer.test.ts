import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envVariableNames, readEnv } from '../../../shared/config/env.ts';
import { composeAlertEmail } from '../../../shared/delivery/compose-alert-email.ts';
import { createMailer } from '../../../shared/runtime/create-mailer.ts';
import { MailSendError } from '../../../shared/mail/errors.ts';
import { createSesRawMailer } from '../../../shared/mail/ses/ses-raw-mailer.ts';
import type { EmailChannel } from '../../../shared/messages/schemas.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';
import { startSesQueryStandIn, type SesQueryStandIn } from '../../helpers/ses-query-stand-in.ts';
import { deliveryMessage } from '../../unit/delivery/fixtures.ts';
import { parseMessage } from './mime-parts.ts';

const channel: EmailChannel = { kind: 'email', channelId: 'mail', address: 'reader@example.org' };
const compose = {
  from: 'News Alerts <alerts@example.org>',
  publicBaseUrl: 'https://alerts.example.org',
  tokenKeys: createKeyRing({ current: 'integration-secret-0123456789-integration' }),
};
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let ses: SesQueryStandIn;

beforeAll(async () => {
  ses = await startSesQueryStandIn();
});

afterAll(async () => {
  await ses?.stop();
});

beforeEach(() => {
  ses.requests.length = 0;
  ses.failWith(undefined);
});

/** The real SES v1 client pointed at the stand-in; one attempt, so error cases are not retried. */
function client(): SESClient {
  return new SESClient({ endpoint: ses.url, region: 'us-east-1', credentials, maxAttempts: 1 });
}

describe('SES v1 raw mailer', () => {
  it('sends the composed MIME with SendRawEmail: RFC 8058 headers, recipient and sender', async () => {
    // Prepare
    const email = composeAlertEmail(deliveryMessage({ channel }), compose);

    // Act
    const { id } = await createSesRawMailer({ client: client() }).send(email);

    // Assess
    expect(id).toBe('ses-1');
    expect(ses.requests).toHaveLength(1);
    const request = ses.requests[0]!;
    expect(request.action).toBe('SendRawEmail');
    expect(request.source).toBe('alerts@example.org');
    expect(request.destinations).toEqual(['reader@example.org']);
    const parsed = parseMessage(request.raw);
    expect(parsed.headers.get('to')).toBe('reader@example.org');
    expect(parsed.headers.get('message-id')).toBe(email.messageId);
    expect(parsed.headers.get('list-unsubscribe')).toMatch(/^<https:\/\/alerts\.example\.org\/unsubscribe\?token=[^>]+>/);
    expect(parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(parsed.parts.map((part) => part.contentType.split(';')[0])).toEqual(['text/plain', 'text/html']);
  });

  it.each([
    [{ status: 400, type: 'Sender', code: 'MessageRejected', message: 'Email address is not verified.' }, false],
    [{ status: 400, type: 'Sender', code: 'Throttling', message: 'Maximum sending rate exceeded.' }, true],
    [{ status: 500, type: 'Receiver', code: 'InternalFailure', message: 'Internal failure.' }, true],
  ] as const)('maps %j to a MailSendError with retryable=%s, as the SES v2 mailer does', async (answer, retryable) => {
    // Prepare
    ses.failWith(answer);
    const email = composeAlertEmail(deliveryMessage({ channel }), compose);

    // Act
    const sent = createSesRawMailer({ client: client() }).send(email);

    // Assess
    const error = await sent.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailSendError);
    expect((error as MailSendError).retryable).toBe(retryable);
    expect((error as MailSendError).message).toBe(`ses send failed: ${answer.code}: ${answer.message} (message ${email.messageId})`);
  });

  it('is the mailer MAIL_TRANSPORT=ses-raw names, with the endpoint from the SDK environment (as in LocalStack)', async () => {
    // Prepare: what LocalStack gives a function: AWS_ENDPOINT_URL, a region, any credentials
    const sdkEnv: Record<string, string> = {
      AWS_ENDPOINT_URL: ses.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    const saved = Object.fromEntries(Object.keys(sdkEnv).map((key) => [key, process.env[key]]));
    Object.assign(process.env, sdkEnv);
    try {
      const env = readEnv({
        ...Object.fromEntries(envVariableNames.filter((name) => name.startsWith('TABLE_')).map((name) => [name, name.toLowerCase()])),
        QUEUE_POLL_URL: 'http://127.0.0.1/q/poll',
        QUEUE_ITEMS_URL: 'http://127.0.0.1/q/items',
        QUEUE_ALERT_URL: 'http://127.0.0.1/q/alert',
        QUEUE_WEBHOOK_URL: 'http://127.0.0.1/q/webhook',
        QUEUE_EMAIL_URL: 'http://127.0.0.1/q/email',
        QUEUE_DIGEST_URL: 'http://127.0.0.1/q/digest',
        MAIL_FROM: 'alerts@example.org',
        MAIL_TRANSPORT: 'ses-raw',
      });

      // Act
      await createMailer(env).send(composeAlertEmail(deliveryMessage({ channel }), compose));
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }

    // Assess
    expect(ses.requests.map((request) => request.action)).toEqual(['SendRawEmail']);
  });
});
