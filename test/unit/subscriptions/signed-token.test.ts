import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/core/errors.ts';
import { createKeyRing, type TokenPurpose } from '../../../shared/subscriptions/tokens/key-ring.ts';
import { MAX_TOKEN_LENGTH, signToken, verifyToken } from '../../../shared/subscriptions/tokens/signed-token.ts';

const first = 'first-key-first-key-first-key-first-key-1';
const second = 'second-key-second-key-second-key-second-2';
const third = 'third-key-third-key-third-key-third-key-33';
const purposes: TokenPurpose[] = ['manage', 'confirm', 'unsubscribe', 'csrf'];
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same 32 bytes spelled differently: the last of 43 characters carries 2 spare bits. */
function respelled(mac: string): string {
  const variant = `${mac.slice(0, -1)}${alphabet[alphabet.indexOf(mac.at(-1)!) ^ 1]}`;
  expect(Buffer.from(variant, 'base64url').equals(Buffer.from(mac, 'base64url'))).toBe(true);
  return variant;
}

describe('signed tokens', () => {
  it('round-trips the claims under the key id of the current key', () => {
    // Prepare
    const ring = createKeyRing({ current: first });

    // Act
    const token = signToken(ring, 'unsubscribe', { s: 'e-abc', c: 'email' });

    // Assess
    expect(token.split('.')[0]).toBe(ring.current.id);
    expect(ring.current.id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(verifyToken(ring, 'unsubscribe', token)).toEqual({ s: 'e-abc', c: 'email' });
  });

  it('a token of one purpose never verifies as another', () => {
    const ring = createKeyRing({ current: first });
    for (const signed of purposes) {
      const token = signToken(ring, signed, { s: 'e-abc' });
      for (const checked of purposes) {
        expect(verifyToken(ring, checked, token) !== undefined, `${signed} as ${checked}`).toBe(signed === checked);
      }
    }
  });

  it('after one rotation an old token still verifies; after the next, or with its key removed, it does not', () => {
    // Prepare: a token signed before any rotation
    const old = signToken(createKeyRing({ current: first }), 'manage', { s: 'e-abc' });

    // Act
    const rotatedOnce = createKeyRing({ current: second, previous: first });
    const rotatedTwice = createKeyRing({ current: third, previous: second });
    const previousRemoved = createKeyRing({ current: second });

    // Assess
    expect(verifyToken(rotatedOnce, 'manage', old)).toEqual({ s: 'e-abc' });
    expect(verifyToken(rotatedTwice, 'manage', old)).toBeUndefined();
    expect(verifyToken(previousRemoved, 'manage', old)).toBeUndefined();
    // New tokens carry the new key's id and verify with the new ring only.
    const fresh = signToken(rotatedOnce, 'manage', { s: 'e-abc' });
    expect(fresh.split('.')[0]).toBe(rotatedOnce.current.id);
    expect(fresh.split('.')[0]).not.toBe(old.split('.')[0]);
    expect(verifyToken(createKeyRing({ current: first }), 'manage', fresh)).toBeUndefined();
  });

  it('refuses tampered, re-keyed, truncated and malformed tokens', () => {
    // Prepare
    const ring = createKeyRing({ current: second, previous: first });
    const token = signToken(ring, 'manage', { s: 'e-abc' });
    const [keyId, body, mac] = token.split('.') as [string, string, string];
    const victimBody = Buffer.from(JSON.stringify({ s: 'e-victim' })).toString('base64url');
    const flipped = (text: string) => text.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));

    // Act / Assess
    for (const bad of [
      `${keyId}.${victimBody}.${mac}`,
      `${ring.previous!.id}.${body}.${mac}`,
      `${keyId}.${body}.${flipped(mac)}`,
      // The same mac bytes spelled with the last character's spare bits set.
      `${keyId}.${body}.${respelled(mac)}`,
      `${keyId}.${flipped(body)}.${mac}`,
      `${keyId}.${body}.${mac.slice(0, -1)}`,
      `${keyId}.${body}.${mac}.extra`,
      `${keyId}.${body}`,
      `${body}.${mac}`,
      `${keyId}.${body}.${mac}=`,
      signToken(createKeyRing({ current: third }), 'manage', { s: 'e-abc' }),
      '',
      '..',
      'x'.repeat(MAX_TOKEN_LENGTH + 1),
    ]) {
      expect(verifyToken(ring, 'manage', bad), bad.slice(0, 60)).toBeUndefined();
    }
    expect(verifyToken(ring, 'manage', token)).toEqual({ s: 'e-abc' });
  });

  it('refuses claims it did not write, even correctly signed: unknown fields, wrong types, empty subject', () => {
    const ring = createKeyRing({ current: first });
    for (const claims of [{ s: '' }, { s: 'e-abc', x: 1 }, { s: 'e-abc', e: 1.5 }, { s: 'e-abc', c: '' }, { s: 42 }]) {
      const token = signToken(ring, 'confirm', claims as never);
      expect(verifyToken(ring, 'confirm', token), JSON.stringify(claims)).toBeUndefined();
    }
  });

  it('refuses keys shorter than 32 characters, naming which', () => {
    expect(() => createKeyRing({ current: 'short' })).toThrow(ConfigError);
    expect(() => createKeyRing({ current: first, previous: 'short' })).toThrow(
      /the previous unsubscribe key is shorter than 32 characters/,
    );
  });
});
