import { domainToASCII } from 'node:url';
import { ipv4Text, ipv6Groups, parseIpAddress } from '../core/ip-address.ts';
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
  const parsed = parseIpAddress(bare);
  if (!parsed) return 'unknown';
  if (parsed.kind === 'ipv4') return ipv4Text(parsed.bits);
  // An IPv4-mapped address (::ffff:a.b.c.d) is its IPv4 address.
  if (parsed.bits >> 32n === 0xffffn) return ipv4Text(parsed.bits & 0xffffffffn);
  const parts = ipv6Groups(parsed.bits).slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

/** Domains where dots in the local part are ignored and googlemail.com is gmail.com. */
const DOTLESS_DOMAINS: Record<string, string> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The mailbox an address delivers to, as the per-recipient limit counts it: `Victim+1@Example.org`,
 * `victim+2@example.org.` and `victim@EXAMPLE.ORG` are one inbox. Lower-cased (nearly every
 * provider ignores case), the `+tag` of sub-addressing dropped (RFC 5233), the domain in its
 * ASCII form without a trailing dot, and for Gmail the dots of the local part dropped. Used only
 * as a counter's subject: the address itself is stored and mailed as given.
 */
export function mailboxKey(address: string): string {
  const trimmed = address.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return trimmed;
  let local = trimmed.slice(0, at);
  const rawDomain = trimmed.slice(at + 1).replace(/\.+$/, '');
  const domain = domainToASCII(rawDomain) || rawDomain;
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const canonical = DOTLESS_DOMAINS[domain];
  if (canonical) return `${local.replace(/\./g, '')}@${canonical}`;
  return `${local}@${domain}`;
}
