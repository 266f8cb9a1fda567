import { describe, expect, it } from 'vitest';
import { readMessage, linkTo } from '../../../scripts/localstack/read-message.ts';
import { composeConfirmationEmail } from '../../../shared/subscriptions/subscription-emails.ts';
import { composeAlertEmail } from '../../../shared/delivery/compose-alert-email.ts';
import { composeMime } from '../../../shared/mail/compose-mime.ts';
import type { EmailChannel } from '../../../shared/messages/schemas.ts';
import { deliveryMessage } from '../delivery/fixtures.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';

/**
 * The smoke script reads the emails LocalStack's mailbox or Mailpit holds with
 * `scripts/localstack/read-message.ts`; here it reads the exact bytes our mailers send.
 */

const channel: EmailChannel = { kind: 'email', channelId: 'mail', address: 'reader@news-alerts.test' };

describe('readMessage (smoke script)', () => {
  it('finds the confirmation link of a confirmation email, however quoted-printable wrapped it', async () => {
    // Prepare: a token long enough to be folded across lines
    const confirmUrl = `http://abc123.lambda-url.us-east-1.localhost.localstack.cloud:4566/confirm?token=${'t0K-'.repeat(40)}`;
    const email = composeConfirmationEmail({
      from: 'News Alerts <news-alerts@news-alerts.test>',
      to: 'reader@news-alerts.test',
      confirmUrl,
      expiresAt: new Date('2026-01-02T03:04:05Z'),
      topicLabels: ['UN meeting', 'Talks'],
      cadenceText: 'instant alerts',
    });

    // Act
    const message = readMessage((await composeMime(email)).toString('utf8'));

    // Assess
    expect(message.header('subject')).toBe('Confirm your news alerts subscription');
    expect(message.header('to')).toBe('reader@news-alerts.test');
    expect(linkTo(message, '/confirm')).toBe(confirmUrl);
    expect(message.texts.map((part) => part.contentType.split(';')[0])).toEqual(['text/plain', 'text/html']);
  });

  it('reads the RFC 8058 headers and the decoded subject of an alert email', async () => {
    // Prepare
    const base = deliveryMessage({ channel });
    const email = composeAlertEmail(
      { ...base, item: { ...base.item, title: 'Security Council meets in Genève' } },
      {
        from: 'news-alerts@news-alerts.test',
        publicBaseUrl: 'http://api.localhost.localstack.cloud:4566',
        tokenKeys: createKeyRing({ current: 'smoke-secret-0123456789abcdef-0123456789' }),
      },
    );

    // Act
    const message = readMessage((await composeMime(email)).toString('utf8'));

    // Assess
    expect(message.header('subject')).toContain('Genève');
    expect(message.header('list-unsubscribe')).toMatch(/<http:\/\/api\.localhost\.localstack\.cloud:4566\/unsubscribe\?token=[^>]+>/);
    expect(message.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(linkTo(message, '/unsubscribe')).toMatch(/^http:\/\/api\.localhost\.localstack\.cloud:4566\/unsubscribe\?token=/);
    expect(linkTo(message, '/confirm')).toBeUndefined();
  });

  it('decodes base64 text in nested multiparts and keeps repeated headers', () => {
    const raw = [
      'Received: from a',
      'Received: from b',
      'Subject: =?UTF-8?B?TW9zY293IOKAkyBLeWl2?=',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('See https://example.org/a?b=1 now').toString('base64'),
      '--inner--',
      '--outer',
      'Content-Type: application/pdf',
      '',
      'JVBERi0=',
      '--outer--',
      '',
    ].join('\r\n');

    const message = readMessage(raw);

    expect(message.headers.get('received')).toEqual(['from a', 'from b']);
    expect(message.header('subject')).toBe('Moscow – Kyiv');
    expect(message.texts).toEqual([{ contentType: 'text/plain; charset=utf-8', text: 'See https://example.org/a?b=1 now' }]);
    expect(message.links).toEqual(['https://example.org/a?b=1']);
  });
});
