import { describe, expect, it } from 'vitest';
import {
  createConfirmToken,
  createCsrfToken,
  createManageToken,
  createUnsubscribeToken,
  keyedDigest,
  secretsEqual,
  subscriberIdForEmail,
  verifyConfirmToken,
  verifyCsrfToken,
  verifyManageToken,
  verifyUnsubscribeToken,
} from '../../../shared/subscriptions/tokens/index.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';

const secret = 'test-secret-test-secret-test-secret-1234';
const keys = createKeyRing({ current: secret });
const idKey = 'subscriber-id-key-subscriber-id-key-0001';
const now = new Date('2026-05-01T12:00:00Z');

describe('subscription tokens', () => {
  it('round-trips a manage token with its version and expiry, and refuses it once expired', () => {
    const expiresAt = new Date(now.getTime() + 3_600_000);
    const token = createManageToken('e-abc', keys, { version: 'v1', expiresAt });
    expect(verifyManageToken(token, keys, now)).toEqual({ subscriberId: 'e-abc', version: 'v1', expiresAt });
    expect(verifyManageToken(token, keys, expiresAt)).toBeUndefined();
    expect(verifyManageToken(createManageToken('e-abc', keys), keys, now)).toEqual({ subscriberId: 'e-abc' });
  });

  it('refuses a token signed with another key, tampered, truncated or malformed', () => {
    const token = createManageToken('e-abc', keys);
    const [keyId, body, mac] = token.split('.') as [string, string, string];
    const otherBody = Buffer.from('{"s":"e-victim"}').toString('base64url');
    for (const bad of [
      createManageToken('e-abc', createKeyRing({ current: `${secret}x` })),
      `${keyId}.${otherBody}.${mac}`,
      `${keyId}.${body}.${mac.slice(0, -1)}`,
      `${keyId}.${body}.${mac}.extra`,
      `${keyId}.${body}`,
      '',
      '.',
      token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      'x'.repeat(5000),
      `${token}=`,
    ]) {
      expect(verifyManageToken(bad, keys, now), bad.slice(0, 60)).toBeUndefined();
    }
  });

  it('keeps purposes apart: confirm, manage, unsubscribe and CSRF tokens are not interchangeable', () => {
    const confirm = createConfirmToken('e-abc', keys, new Date(now.getTime() + 60_000));
    const manage = createManageToken('e-abc', keys);
    const unsubscribe = createUnsubscribeToken({ subscriberId: 'e-abc', channelId: 'email' }, keys);
    const csrf = createCsrfToken('cookie-value-cookie-value-1', keys);
    expect(verifyManageToken(confirm, keys, now)).toBeUndefined();
    expect(verifyManageToken(unsubscribe, keys, now)).toBeUndefined();
    expect(verifyManageToken(csrf, keys, now)).toBeUndefined();
    expect(verifyConfirmToken(manage, keys, now)).toEqual({ status: 'invalid' });
    expect(verifyConfirmToken(unsubscribe, keys, now)).toEqual({ status: 'invalid' });
    expect(verifyUnsubscribeToken(manage, keys)).toBeUndefined();
    expect(verifyUnsubscribeToken(confirm, keys)).toBeUndefined();
    expect(verifyCsrfToken(manage, 'cookie-value-cookie-value-1', keys)).toBe(false);
    expect(verifyUnsubscribeToken(unsubscribe, keys)).toEqual({ subscriberId: 'e-abc', channelId: 'email' });
  });

  it("checks a confirmation token's expiry, and refuses one without a request nonce", () => {
    const expiresAt = new Date(now.getTime() + 48 * 3_600_000);
    const token = createConfirmToken('e-abc', keys, expiresAt, 'nonce-1');
    expect(verifyConfirmToken(token, keys, now)).toEqual({ status: 'valid', subscriberId: 'e-abc', nonce: 'nonce-1', expiresAt });
    expect(verifyConfirmToken(createConfirmToken('e-abc', keys, expiresAt), keys, now)).toEqual({ status: 'invalid' });
    expect(verifyConfirmToken(token, keys, expiresAt)).toEqual({ status: 'expired', subscriberId: 'e-abc' });
    expect(verifyConfirmToken(token, createKeyRing({ current: 'another-secret-another-secret-another' }), now)).toEqual({
      status: 'invalid',
    });
  });

  it('binds a CSRF token to its cookie', () => {
    const token = createCsrfToken('cookie-value-cookie-value-1', keys);
    expect(verifyCsrfToken(token, 'cookie-value-cookie-value-1', keys)).toBe(true);
    expect(verifyCsrfToken(token, 'cookie-value-cookie-value-2', keys)).toBe(false);
    expect(token).not.toContain('cookie-value');
  });

  it('links sent before a key rotation keep working through it, and stop after the next', () => {
    // Prepare: every kind of link signed under the first key
    const expiresAt = new Date(now.getTime() + 3_600_000);
    const manage = createManageToken('e-abc', keys);
    const confirm = createConfirmToken('e-abc', keys, expiresAt, 'nonce-1');
    const unsubscribe = createUnsubscribeToken({ subscriberId: 'e-abc', channelId: 'email' }, keys);
    const csrf = createCsrfToken('cookie-value-cookie-value-1', keys);

    // Act
    const rotated = createKeyRing({ current: 'rotated-key-rotated-key-rotated-key-002', previous: secret });
    const rotatedAgain = createKeyRing({
      current: 'rotated-key-rotated-key-rotated-key-003',
      previous: 'rotated-key-rotated-key-rotated-key-002',
    });

    // Assess
    expect(verifyManageToken(manage, rotated, now)).toEqual({ subscriberId: 'e-abc' });
    expect(verifyConfirmToken(confirm, rotated, now)).toEqual({ status: 'valid', subscriberId: 'e-abc', nonce: 'nonce-1', expiresAt });
    expect(verifyUnsubscribeToken(unsubscribe, rotated)).toEqual({ subscriberId: 'e-abc', channelId: 'email' });
    expect(verifyCsrfToken(csrf, 'cookie-value-cookie-value-1', rotated)).toBe(true);
    expect(verifyManageToken(manage, rotatedAgain, now)).toBeUndefined();
    expect(verifyUnsubscribeToken(unsubscribe, rotatedAgain)).toBeUndefined();
  });

  it('derives one subscriber id per address, whatever its case, without revealing it, and not from the token key', () => {
    const id = subscriberIdForEmail('Reader@Example.ORG ', idKey);
    expect(id).toBe(subscriberIdForEmail('reader@example.org', idKey));
    expect(id).toMatch(/^e-[0-9a-f]{32}$/);
    expect(id).not.toBe(subscriberIdForEmail('reader@example.org', `${idKey}2`));
    expect(keyedDigest('a', 'x', idKey)).not.toBe(keyedDigest('b', 'x', idKey));
  });

  it('compares secrets of any length', () => {
    expect(secretsEqual('same-token', 'same-token')).toBe(true);
    expect(secretsEqual('same-token', 'same-token!')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
  });
});
