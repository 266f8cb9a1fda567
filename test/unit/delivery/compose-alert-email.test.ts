import { describe, expect, it } from 'vitest';
import { composeAlertEmail } from '../../../shared/delivery/compose-alert-email.ts';
import { deliveryId } from '../../../shared/delivery/delivery-id.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';
import { createUnsubscribeToken, verifyUnsubscribeToken } from '../../../shared/subscriptions/tokens/index.ts';
import { deliveryMessage, HOSTILE_TITLE } from './fixtures.ts';

const emailChannel = { kind: 'email' as const, channelId: 'mail-1', address: 'reader@example.org' };
const from = 'News Alerts <alerts@example.org>';
const keys = createKeyRing({ current: 'test-secret-0123456789-test-secret-0123' });

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

  it('adds RFC 8058 List-Unsubscribe headers with the https link only (no mailto nothing reads) when configured', () => {
    const email = composeAlertEmail(deliveryMessage({ channel: emailChannel }), {
      from,
      publicBaseUrl: 'https://alerts.example.org/base',
      tokenKeys: keys,
    });

    const token = createUnsubscribeToken({ subscriberId: 'sub-1', channelId: emailChannel.channelId }, keys);
    const https = `https://alerts.example.org/base/unsubscribe?token=${token}`;
    expect(email.headers['List-Unsubscribe']).toBe(`<${https}>`);
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(email.html).toContain(`href="${https}"`);
    expect(email.text).toContain(`Unsubscribe: ${https}`);
  });

  it('leaves List-Unsubscribe out without a public base URL or secret', () => {
    const withoutBase = composeAlertEmail(deliveryMessage({ channel: emailChannel }), { from, tokenKeys: keys });
    const withoutSecret = composeAlertEmail(deliveryMessage({ channel: emailChannel }), {
      from,
      publicBaseUrl: 'https://alerts.example.org',
    });

    expect(withoutBase.headers).toEqual({});
    expect(withoutSecret.headers).toEqual({});
  });

  it('never turns a non-http link into an href', () => {
    const base = deliveryMessage({ channel: emailChannel });
    const email = composeAlertEmail(deliveryMessage({ channel: emailChannel, item: { ...base.item, link: 'javascript:alert(1)' } }), {
      from,
    });

    expect(email.html).not.toContain('javascript:');
  });
});

describe('unsubscribe tokens', () => {
  const keysA = createKeyRing({ current: 'secret-a-secret-a-secret-a-secret-a-0001' });
  const keysB = createKeyRing({ current: 'secret-b-secret-b-secret-b-secret-b-0002' });

  it('verify with the right keys and name the subscriber and the channel', () => {
    const token = createUnsubscribeToken({ subscriberId: 'sub-ü/1', channelId: 'mail' }, keysA);

    expect(verifyUnsubscribeToken(token, keysA)).toEqual({ subscriberId: 'sub-ü/1', channelId: 'mail' });
  });

  it('name one channel, and cannot be moved to another channel or subscriber', () => {
    const token = createUnsubscribeToken({ subscriberId: 'sub-1', channelId: 'mail' }, keysA);
    const [keyId, , mac] = token.split('.');
    const claims = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const otherChannel = `${keyId}.${claims({ s: 'sub-1', c: 'hook' })}.${mac}`;
    const otherSubscriber = `${keyId}.${claims({ s: 'sub-2', c: 'mail' })}.${mac}`;

    expect(verifyUnsubscribeToken(token, keysA)).toEqual({ subscriberId: 'sub-1', channelId: 'mail' });
    expect(verifyUnsubscribeToken(otherChannel, keysA)).toBeUndefined();
    expect(verifyUnsubscribeToken(otherSubscriber, keysA)).toBeUndefined();
    expect(verifyUnsubscribeToken(token, keysB)).toBeUndefined();
  });

  it('are refused with other keys, without a channel, or with a bad shape (no older token versions)', () => {
    const token = createUnsubscribeToken({ subscriberId: 'sub-1', channelId: 'mail' }, keysA);
    // The first versions' shapes: `<id>.<mac>` and `<id>.<channel>.<mac>` under the bare secret.
    const oldShapes = [`${Buffer.from('sub-1').toString('base64url')}.${'A'.repeat(43)}`, `c3ViLTE.bWFpbA.${'A'.repeat(43)}`];

    expect(verifyUnsubscribeToken(token, keysB)).toBeUndefined();
    expect(verifyUnsubscribeToken('garbage', keysA)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${token}.x`, keysA)).toBeUndefined();
    for (const old of oldShapes) expect(verifyUnsubscribeToken(old, keysA)).toBeUndefined();
  });
});
