/**
 * The SES v2 mailer against a local endpoint that answers like SES: what it sends (raw MIME, the
 * configuration set, the channel's tags), and how the SDK's parsed errors are sorted — the mail
 * setup's faults (MailSetupError, dead-lettered at once by deliver-email), a rejected message
 * (permanent), and the rest (retryable).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeAlertEmail } from '../../../shared/delivery/compose-alert-email.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';
import { MailSendError, MailSetupError } from '../../../shared/mail/errors.ts';
import { channelFromTags } from '../../../shared/mail/message-tags.ts';
import { createSesMailer } from '../../../shared/mail/ses/ses-mailer.ts';
import { startSesEndpoint, type SesEndpoint } from '../../helpers/ses-endpoint.ts';
import { deliveryMessage } from '../../unit/delivery/fixtures.ts';
import { parseMessage } from './mime-parts.ts';

const compose = {
  from: 'News Alerts <alerts@newsdesk.eu>',
  publicBaseUrl: 'https://alerts.newsdesk.eu',
  tokenKeys: createKeyRing({ current: 'integration-secret-0123456789-integration' }),
};
const email = composeAlertEmail(deliveryMessage({ channel: { kind: 'email', channelId: 'mail', address: 'reader@example.org' } }), compose);

let ses: SesEndpoint;

beforeAll(async () => {
  ses = await startSesEndpoint();
});

afterAll(async () => {
  await ses?.close();
});

beforeEach(() => {
  ses.requests.length = 0;
  ses.answer = () => ({ ok: true });
});

describe('SES v2 mailer', () => {
  it('sends the raw message with the configuration set and tags naming the subscriber channel', async () => {
    // Prepare
    const mailer = createSesMailer({ client: ses.client(), configurationSetName: 'news-alerts-set' });

    // Act
    const { id } = await mailer.send({ ...email, subscriberChannel: { subscriberId: 'sub-1', channelId: 'mail' } });

    // Assess
    expect(id).toBe('ses-message-1');
    expect(ses.requests).toHaveLength(1);
    const [request] = ses.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/v2/email/outbound-emails');
    expect(request!.body.FromEmailAddress).toBe('alerts@newsdesk.eu');
    expect(request!.body.Destination).toEqual({ ToAddresses: ['reader@example.org'] });
    expect(request!.body.ConfigurationSetName).toBe('news-alerts-set');
    const tags = request!.body.EmailTags as { Name: string; Value: string }[];
    expect(tags).toEqual([
      { Name: 'subscriber', Value: 'i-sub-1' },
      { Name: 'channel', Value: 'i-mail' },
    ]);
    // What SES hands back in a bounce's mail.tags finds the channel again.
    expect(channelFromTags(Object.fromEntries(tags.map((t) => [t.Name, [t.Value]])))).toEqual({ subscriberId: 'sub-1', channelId: 'mail' });
    const raw = Buffer.from((request!.body.Content as { Raw: { Data: string } }).Raw.Data, 'base64').toString('utf8');
    const parsed = parseMessage(raw);
    expect(parsed.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(parsed.headers.get('message-id')).toBe(email.messageId);
  });

  it('names no configuration set and no tags when it has none to name', async () => {
    // Act
    await createSesMailer({ client: ses.client() }).send(email);

    // Assess
    expect(ses.requests[0]!.body).not.toHaveProperty('ConfigurationSetName');
    expect(ses.requests[0]!.body).not.toHaveProperty('EmailTags');
  });

  const setupFaults: [number, string, string][] = [
    [
      403,
      'AccessDeniedException',
      'User: arn:aws:sts::123456789012:assumed-role/deliver-email is not authorized to perform: ses:SendEmail on resource: arn:aws:ses:eu-west-1:123456789012:identity/newsdesk.eu',
    ],
    [
      400,
      'MessageRejected',
      'Email address is not verified. The following identities failed the check in region EU-WEST-1: alerts@newsdesk.eu, reader@example.org',
    ],
    [400, 'MailFromDomainNotVerifiedException', 'The MAIL FROM domain is not verified.'],
    [400, 'AccountSuspendedException', 'Your account has been suspended.'],
    [400, 'SendingPausedException', 'Sending is paused for this account.'],
    [404, 'NotFoundException', 'Configuration set <news-alerts-set> does not exist.'],
  ];

  it.each(setupFaults)('reports %i %s as the mail setup’s fault: not retryable, not the recipient’s', async (status, code, message) => {
    // Prepare
    ses.answer = () => ({ status, code, message });
    const mailer = createSesMailer({ client: ses.client(), configurationSetName: 'news-alerts-set' });

    // Act
    const error = await mailer.send(email).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MailSetupError);
    expect((error as MailSetupError).code).toBe(code);
    expect((error as MailSetupError).retryable).toBe(false);
    expect((error as Error).message).toMatch(
      new RegExp(`^ses send failed: ${code}: .+ \\(message ${email.messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`),
    );
    // Addresses SES quotes are redacted before the message reaches a log.
    expect((error as Error).message).not.toContain('reader@example.org');
    expect((error as Error).message).not.toContain('alerts@newsdesk.eu');
  });

  it('reports a message SES rejects for its content as permanent, but not as the setup’s fault', async () => {
    ses.answer = () => ({ status: 400, code: 'MessageRejected', message: 'Email address contains a virus.' });

    const error = await createSesMailer({ client: ses.client() })
      .send(email)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MailSendError);
    expect(error).not.toBeInstanceOf(MailSetupError);
    expect((error as MailSendError).retryable).toBe(false);
  });

  const transient: [number, string, string][] = [
    [429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'],
    [400, 'LimitExceededException', 'Daily message quota exceeded.'],
    [500, 'InternalFailure', 'An internal error occurred.'],
    [503, 'ServiceUnavailable', 'Service unavailable.'],
  ];

  it.each(transient)('reports %i %s as retryable', async (status, code, message) => {
    ses.answer = () => ({ status, code, message });

    const error = await createSesMailer({ client: ses.client() })
      .send(email)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MailSendError);
    expect(error).not.toBeInstanceOf(MailSetupError);
    expect((error as MailSendError).retryable).toBe(true);
    expect((error as Error).message).toContain(code);
  });

  it('reports a connection refused as retryable', async () => {
    // Prepare: an endpoint that no longer listens
    const gone = await startSesEndpoint();
    const client = gone.client();
    await gone.close();

    // Act
    const error = await createSesMailer({ client })
      .send(email)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MailSendError);
    expect((error as MailSendError).retryable).toBe(true);
  });
});
