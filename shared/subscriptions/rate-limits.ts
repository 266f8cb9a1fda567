import ipaddr from 'ipaddr.js';
import type { RateLimitStore } from '../store/ports.ts';
import { keyedDigest } from './tokens/index.ts';

/** A limit: at most `limit` hits per fixed window of `windowSeconds`. */
export interface RateLimitRule {
  /** Part of the stored key; distinct per rule. */
  name: string;
  limit: number;
  windowSeconds: number;
}

/** The API's limits (tests and operators may pass others to `createHandler`'s options). */
export interface RateLimits {
  /** Subscribe requests (page and API) from one client address (IPv6: its /64). */
  subscribePerClient: RateLimitRule;
  /** Emails (confirmation or notice) to one recipient address; over it, nothing more is sent. */
  emailsPerRecipient: RateLimitRule;
}

export const defaultRateLimits: RateLimits = {
  subscribePerClient: { name: 'subscribe-client', limit: 10, windowSeconds: 3600 },
  emailsPerRecipient: { name: 'email-recipient', limit: 3, windowSeconds: 3600 },
};

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts a hit of `subject` (a client address, an email address) under `rule`. The stored key
 * is a digest keyed by `digestKey` (the subscriber-id key, which never rotates, so windows
 * survive a token key rotation), so the table never holds addresses in the clear.
 */
export async function takeRateLimit(
  store: RateLimitStore,
  rule: RateLimitRule,
  subject: string,
  digestKey: string,
  now: Date,
): Promise<RateLimitDecision> {
  const key = `${rule.name}#${keyedDigest('rate-limit', `${rule.name}\n${subject}`, digestKey).slice(0, 40)}`;
  const { count, windowEndsAt } = await store.hit(key, rule.windowSeconds, now);
  if (count <= rule.limit) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEndsAt.getTime() - now.getTime()) / 1000)) };
}

/**
 * The address a per-client limit counts: an IPv4 address as is, an IPv6 address by its /64
 * (one customer's network usually gets a whole /64, so a single address would be no limit).
 */
export function clientKey(sourceIp: string): string {
  const bare = sourceIp
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return 'unknown';
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}
