import { describe, expect, it } from 'vitest';
import { composeAlertEmail } from '../../../shared/delivery/compose-alert-email.ts';
import { deliveryId } from '../../../shared/delivery/delivery-id.ts';
import { createUnsubscribeToken, verifyUnsubscribeToken } from '../../../shared/subscriptions/tokens/unsubscribe-token.ts';
import { deliveryMessage, HOSTILE_TITLE } from './fixtures.ts';

const emailChannel = { kind: 'email' as const, channelId: 'mail-1', address: 'reader@example.org' };
const from = 'News Alerts <alerts@example.org>';

describe('composeAlertEmail', () => {
  it('escapes all item text in the HTML body', () => {
    // Prepare
    const base = deliveryMessage({ channel: emailChannel });
    const message = deliveryMessage({
      channel: emailChannel,
      item: { ...base.item, title: HOSTILE_TITLE, summary: '<img src=x onerror=alert(1)> & more', source: '<b>Outlet</b>' },
      topics: [{ ...base.topics[0]!, label: 'UN <meeting>', matched: [{ ...base.topics[0]!.matched[0]!, text: '<i>Council</i>' }] }],
    });

    // Act
    const email = composeAlertEmail(message, { from });

    // Assess
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('<b>Outlet');
    expect(email.html).not.toContain('<i>Council');
    expect(email.html).not.toContain('<meeting>');
    expect(email.html).toContain('Council &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt; vote | &quot;quoted&quot;');
    expect(email.html).toContain('matched: &lt;i&gt;Council&lt;/i&gt;');
    // The plain text part carries the text as it is.
    expect(email.text).toContain(HOSTILE_TITLE);
  });

  it('shows source, link, topics and why it matched in both parts', () => {
    const email = composeAlertEmail(deliveryMessage({ channel: emailChannel }), { from });

    expect(email.subject).toBe('[news-alerts] Security Council holds emergency meeting on Ukraine');
    expect(email.to).toBe('reader@example.org');
    expect(email.from).toBe(from);
    for (const body of [email.text, email.html]) {
      expect(body).toContain('UN News');
      expect(body).toContain('UN meeting');
      expect(body).toContain('matched: Security Council, emergency meeting');
    }
    expect(email.text).toContain('https://news.example.org/story/1?a=1&b=2');
    expect(email.html).toContain('href="https://news.example.org/story/1?a=1&amp;b=2"');
  });

  it('gives a stable Message-ID per delivery on the sender domain', () => {
    const message = deliveryMessage({ channel: emailChannel });

    const first = composeAlertEmail(message, { from });
    const again = composeAlertEmail(message, { from });

    expect(first.messageId).toBe(`<${deliveryId(message.deliveryKey)}@example.org>`);
    expect(again.messageId).toBe(first.messageId);
  });

  it('adds RFC 8058 List-Unsubscribe headers with https and mailto when configured', () => {
    const email = composeAlertEmail(deliveryMessage({ channel: emailChannel }), {
      from,
      publicBaseUrl: 'https://alerts.example.org/base',
      unsubscribeSecret: 'test-secret-0123456789',
    });

    const token = createUnsubscribeToken({ subscriberId: 'sub-1', channelId: emailChannel.channelId }, 'test-secret-0123456789');
    const https = `https://alerts.example.org/base/unsubscribe?token=${token}`;
    expect(email.headers['List-Unsubscribe']).toBe(
      `<${https}>, <mailto:alerts@example.org?subject=unsubscribe%20${token}>`,
    );
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(email.html).toContain(`href="${https}"`);
    expect(email.text).toContain(`Unsubscribe: ${https}`);
  });

  it('leaves List-Unsubscribe out without a public base URL or secret', () => {
    const withoutBase = composeAlertEmail(deliveryMessage({ channel: emailChannel }), { from, unsubscribeSecret: 's' });
    const withoutSecret = composeAlertEmail(deliveryMessage({ channel: emailChannel }), {
      from,
      publicBaseUrl: 'https://alerts.example.org',
    });

    expect(withoutBase.headers).toEqual({});
    expect(withoutSecret.headers).toEqual({});
  });

  it('never turns a non-http link into an href', () => {
    const base = deliveryMessage({ channel: emailChannel });
    const email = composeAlertEmail(
      deliveryMessage({ channel: emailChannel, item: { ...base.item, link: 'javascript:alert(1)' } }),
      { from },
    );

    expect(email.html).not.toContain('javascript:');
  });
});

describe('unsubscribe tokens', () => {
  it('verify with the right secret and name the subscriber', () => {
    const token = createUnsubscribeToken('sub-ü/1', 'secret-a');

    expect(verifyUnsubscribeToken(token, 'secret-a')).toEqual({ subscriberId: 'sub-ü/1' });
  });

  it('name one channel, and cannot be moved to another channel or subscriber', () => {
    const token = createUnsubscribeToken({ subscriberId: 'sub-1', channelId: 'mail' }, 'secret-a');
    const [, , mac] = token.split('.');
    const otherChannel = `${Buffer.from('sub-1').toString('base64url')}.${Buffer.from('hook').toString('base64url')}.${mac}`;
    // The same characters split differently: "sub-1m" + "ail".
    const resplit = `${Buffer.from('sub-1m').toString('base64url')}.${Buffer.from('ail').toString('base64url')}.${mac}`;

    expect(verifyUnsubscribeToken(token, 'secret-a')).toEqual({ subscriberId: 'sub-1', channelId: 'mail' });
    expect(verifyUnsubscribeToken(otherChannel, 'secret-a')).toBeUndefined();
    expect(verifyUnsubscribeToken(resplit, 'secret-a')).toBeUndefined();
    expect(verifyUnsubscribeToken(token, 'secret-b')).toBeUndefined();
  });

  it('are refused with another secret, another subscriber or a bad shape', () => {
    const token = createUnsubscribeToken('sub-1', 'secret-a');
    const [, mac] = token.split('.');
    const forged = `${Buffer.from('sub-2').toString('base64url')}.${mac}`;

    expect(verifyUnsubscribeToken(token, 'secret-b')).toBeUndefined();
    expect(verifyUnsubscribeToken(forged, 'secret-a')).toBeUndefined();
    expect(verifyUnsubscribeToken('garbage', 'secret-a')).toBeUndefined();
    expect(verifyUnsubscribeToken(`${token}.x`, 'secret-a')).toBeUndefined();
  });
});
