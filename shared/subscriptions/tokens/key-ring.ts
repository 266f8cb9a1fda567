import { createHmac, hkdfSync } from 'node:crypto';
import type { SecretSource } from '../../parameters/secret-source.ts';
import { ConfigError } from '../../core/errors.ts';

/** What a token is for. A token of one purpose never verifies as another: each has its own key. */
export type TokenPurpose = 'manage' | 'manage-link' | 'confirm' | 'unsubscribe' | 'csrf';

/** One token key: its id (carried in every token it signs) and one derived key per purpose. */
export interface SigningKey {
  /** 8 base64url characters derived from the key: which key signed a token, revealing nothing of it. */
  readonly id: string;
  /** The HMAC key of `purpose` (HKDF-SHA256 from the secret), so purposes never share a key. */
  keyFor(purpose: TokenPurpose): Buffer;
}

/**
 * The keys tokens are signed and verified with: new tokens are signed with `current`; a token
 * verifies with the key its id names, current or `previous`. After a rotation (Secrets
 * Manager's AWSPREVIOUS, or `previous` in the data folder) links already sent keep working;
 * after a second rotation the oldest key is gone, and so are its tokens.
 */
export interface KeyRing {
  readonly current: SigningKey;
  readonly previous?: SigningKey;
  /** The key with this id, if the ring holds it. */
  find(id: string): SigningKey | undefined;
}

/** Shorter secrets are refused: 32 characters of the generated alphabet carry ~190 bits. */
export const MIN_KEY_LENGTH = 32;

/** The ring of a secret's current and previous values. */
export function createKeyRing(values: { current: string; previous?: string | undefined }): KeyRing {
  const current = createSigningKey(values.current, 'current');
  const previous =
    values.previous === undefined || values.previous === values.current ? undefined : createSigningKey(values.previous, 'previous');
  return {
    current,
    ...(previous ? { previous } : {}),
    find: (id) => (id === current.id ? current : id === previous?.id ? previous : undefined),
  };
}

/**
 * Reads the token key ring from the secret source on every call (the source caches), and builds
 * a new ring only when a value changed. Undefined when the deployment has no token key.
 */
export function createKeyRingReader(secrets: SecretSource): () => Promise<KeyRing | undefined> {
  let cached: { current: string; previous: string | undefined; ring: KeyRing } | undefined;
  return async function readKeyRing() {
    const current = await secrets.current('unsubscribe');
    if (current === undefined) return undefined;
    const previous = await secrets.previous('unsubscribe');
    if (cached?.current !== current || cached.previous !== previous)
      cached = { current, previous, ring: createKeyRing({ current, previous }) };
    return cached.ring;
  };
}

function createSigningKey(secret: string, which: string): SigningKey {
  if (secret.length < MIN_KEY_LENGTH) {
    throw new ConfigError(`token key is invalid: the ${which} unsubscribe key is shorter than ${MIN_KEY_LENGTH} characters`);
  }
  const material = Buffer.from(secret, 'utf8');
  const id = createHmac('sha256', material).update('news-alerts/key-id', 'utf8').digest().subarray(0, 6).toString('base64url');
  const derived = new Map<TokenPurpose, Buffer>();
  return {
    id,
    keyFor(purpose) {
      let key = derived.get(purpose);
      if (!key) {
        key = Buffer.from(hkdfSync('sha256', material, 'news-alerts/tokens', `news-alerts/token/${purpose}`, 32));
        derived.set(purpose, key);
      }
      return key;
    },
  };
}
