import { describe, expect, it } from 'vitest';
import {
  createConfirmToken,
  createManageToken,
  keyedDigest,
  secretsEqual,
  subscriberIdForEmail,
  verifyConfirmToken,
  verifyManageToken,
} from '../../../shared/subscriptions/tokens/subscription-tokens.ts';
import { createUnsubscribeToken, verifyUnsubscribeToken } from '../../../shared/subscriptions/tokens/unsubscribe-token.ts';

const secret = 'test-secret-test-secret-test-secret-1234';
const now = new Date('2026-05-01T12:00:00Z');

describe('subscription tokens', () => {
  it('round-trips a manage token', () => {
    expect(verifyManageToken(createManageToken('e-abc', secret), secret)).toBe('e-abc');
  });

  it('refuses a token signed with another secret, tampered, truncated or malformed', () => {
    const token = createManageToken('e-abc', secret);
    const [body, mac] = token.split('.') as [string, string];
    const otherBody = Buffer.from('{"s":"e-victim"}').toString('base64url');
    for (const bad of [
      createManageToken('e-abc', `${secret}x`),
      `${otherBody}.${mac}`,
      `${body}.${mac.slice(0, -1)}`,
      `${body}.${mac}.extra`,
      `${body}`,
      '',
      '.',
      `${body}.${mac}`.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      'x'.repeat(5000),
      `${body}.${mac}=`,
    ]) {
      expect(verifyManageToken(bad, secret), bad.slice(0, 60)).toBeUndefined();
    }
  });

  it('keeps purposes apart: confirm, manage and unsubscribe tokens are not interchangeable', () => {
    const confirm = createConfirmToken('e-abc', secret, new Date(now.getTime() + 60_000));
    const manage = createManageToken('e-abc', secret);
    const unsubscribe = createUnsubscribeToken('e-abc', secret);
    expect(verifyManageToken(confirm, secret)).toBeUndefined();
    expect(verifyManageToken(unsubscribe, secret)).toBeUndefined();
    expect(verifyConfirmToken(manage, secret, now)).toEqual({ status: 'invalid' });
    expect(verifyUnsubscribeToken(manage, secret)).toBeUndefined();
  });

  it('checks a confirmation token\'s expiry', () => {
    const expiresAt = new Date(now.getTime() + 48 * 3_600_000);
    const token = createConfirmToken('e-abc', secret, expiresAt);
    expect(verifyConfirmToken(token, secret, now)).toEqual({ status: 'valid', subscriberId: 'e-abc', expiresAt });
    expect(verifyConfirmToken(token, secret, expiresAt)).toEqual({ status: 'expired', subscriberId: 'e-abc' });
    expect(verifyConfirmToken(token, 'another-secret-another-secret-another', now)).toEqual({ status: 'invalid' });
  });

  it('derives one subscriber id per address, whatever its case, without revealing it', () => {
    const id = subscriberIdForEmail('Reader@Example.ORG ', secret);
    expect(id).toBe(subscriberIdForEmail('reader@example.org', secret));
    expect(id).toMatch(/^e-[0-9a-f]{32}$/);
    expect(id).not.toBe(subscriberIdForEmail('reader@example.org', `${secret}2`));
    expect(keyedDigest('a', 'x', secret)).not.toBe(keyedDigest('b', 'x', secret));
  });

  it('compares secrets of any length', () => {
    expect(secretsEqual('same-token', 'same-token')).toBe(true);
    expect(secretsEqual('same-token', 'same-token!')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
  });
});
