import { promises as dns } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { NewsAlertsError } from '../core/errors.ts';
import { ipv4Text, parseIpAddress, type IpAddress } from '../core/ip-address.ts';
import { redactUrl } from './redact-url.ts';
import { isGlobalUnicastSpace, specialPurposeBlockOf } from './special-purpose-addresses.ts';

/**
 * SSRF guard: outgoing requests to feed and webhook URLs must not reach loopback, private,
 * link-local, metadata or other non-public addresses. The check runs after DNS resolution, on
 * every address a name resolves to, and again inside the connection's own lookup (see
 * `createGuardedLookup`), so the address checked is the address connected to.
 */

/** Resolves a host name to all of its addresses. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export interface SsrfGuardOptions {
  /** Allow non-public addresses: only for local fixtures (env ALLOW_PRIVATE_NETWORK). */
  allowPrivateNetwork?: boolean;
  /** DNS resolution; node:dns `lookup` (all addresses) unless a test injects one. */
  resolve?: ResolveHost;
}

/** A URL refused by the guard: wrong scheme, or a host that is (or resolves to) a non-public address. */
export class UrlRefusedError extends NewsAlertsError {
  /** The URL, without credentials. */
  readonly url: string;
  /** Why, in a few words ("127.0.0.1 is a loopback address"). */
  readonly reason: string;
  /** The refused address, when the refusal is about one. */
  readonly address?: string;

  constructor(url: string, reason: string, address?: string) {
    super(`URL refused: ${reason} (${redactUrl(url)})`, { retryable: false });
    this.url = redactUrl(url);
    this.reason = reason;
    this.address = address;
  }
}

/**
 * The metadata addresses: AWS's IPv4 one (link-local anyway) and its IPv6 form on Nitro
 * (unique-local anyway). Parsed at the first check, as the registry's blocks are.
 */
let metadataAddresses: Set<string> | undefined;

function addressKey(address: IpAddress): string {
  return `${address.kind} ${address.bits}`;
}

/**
 * Why an address is not public, as a phrase ("a loopback address"), or undefined when it is a
 * public unicast address. Judged by the IANA special-purpose registries (most specific block
 * wins, see `special-purpose-addresses.ts`); an IPv6 address outside 2000::/3 is refused
 * whatever it is; NAT64 and 6to4 addresses by the IPv4 address they carry. Anything that does
 * not parse as an IP address is refused too.
 */
export function describeNonPublicAddress(address: string): string | undefined {
  const bare = canonicalIPv6(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  const parsed = parseIpAddress(bare);
  if (!parsed) return 'not an IP address';
  metadataAddresses ??= new Set(['169.254.169.254', 'fd00:ec2::254'].map((text) => addressKey(parseIpAddress(text)!)));
  if (metadataAddresses.has(addressKey(parsed))) return 'the cloud metadata address';
  const block = specialPurposeBlockOf(parsed);
  if (block?.carries) {
    // The IPv4 address carried: the low 32 bits, or bits 16–47 for 6to4 (2002:AABB:CCDD::/48 carries AA.BB.CC.DD).
    const v4 = ipv4Text(block.carries === '6to4' ? (parsed.bits >> 80n) & 0xffffffffn : parsed.bits & 0xffffffffn);
    const inner = describeNonPublicAddress(v4.toString());
    if (block.verdict === 'embedded') return inner === undefined ? undefined : `${inner} (${v4} embedded in ${block.label})`;
    return `${block.label} (of ${v4}${inner === undefined ? '' : `, ${inner}`})`;
  }
  if (block?.verdict === 'refused') return block.label;
  if (block === undefined && parsed.kind === 'ipv6' && !isGlobalUnicastSpace(parsed)) {
    return 'outside the global unicast range 2000::/3';
  }
  return undefined;
}

/** IPv6 text in the WHATWG URL's canonical form (hex, compressed), as URL hosts already are. */
function canonicalIPv6(text: string): string {
  if (!text.includes(':')) return text;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return text;
  }
}

/** node:dns lookup of every address (IPv4 and IPv6), in the resolver's order. */
export const resolveWithSystemDns: ResolveHost = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** The URL's host without IPv6 brackets; WHATWG URL has already normalised IPv4 forms (0x7f.1, 2130706433). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function parseHttpUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input) : input;
  } catch {
    throw new UrlRefusedError(String(input), 'not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlRefusedError(url.href, `scheme "${url.protocol.replace(/:$/, '')}" is not http or https`);
  }
  return url;
}

/** Throws `UrlRefusedError` if any of `addresses` (of `host`, requested as `url`) is not public. */
export function assertPublicAddresses(url: string, host: string, addresses: readonly string[]): void {
  for (const address of addresses) {
    const why = describeNonPublicAddress(address);
    if (why === undefined) continue;
    const reason = address === host ? `${address} is ${why}` : `${host} resolves to ${address}, ${why}`;
    throw new UrlRefusedError(url, reason, address);
  }
}

/**
 * Checks a URL before a request: the scheme must be http(s) and the host must be (or resolve
 * only to) public addresses, unless `allowPrivateNetwork`. Returns the parsed URL.
 *
 * @throws UrlRefusedError when the URL is refused; DNS errors propagate as they are.
 */
export async function assertPublicUrl(input: string | URL, options: SsrfGuardOptions = {}): Promise<URL> {
  const url = parseHttpUrl(input);
  if (options.allowPrivateNetwork) return url;
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    assertPublicAddresses(url.href, host, [host]);
    return url;
  }
  const resolve = options.resolve ?? resolveWithSystemDns;
  const addresses = await resolve(host);
  if (addresses.length === 0) throw new UrlRefusedError(url.href, `${host} resolves to no address`);
  assertPublicAddresses(
    url.href,
    host,
    addresses.map((a) => a.address),
  );
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls `connect` (and so for an undici Agent's `connect.lookup`) that resolves
 * every address and refuses the connection if any is not public. Because the socket connects to
 * what this returns, a name that resolves differently between the check and the connect (DNS
 * rebinding) is still caught.
 */
export function createGuardedLookup(options: SsrfGuardOptions = {}) {
  const resolve = options.resolve ?? resolveWithSystemDns;
  return function guardedLookup(hostname: string, lookupOptions: LookupOptions, callback: LookupCallback): void {
    resolve(hostname).then(
      (all) => {
        const family = lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family;
        const addresses = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = 'ENOTFOUND';
          callback(error, '');
          return;
        }
        if (!options.allowPrivateNetwork) {
          try {
            assertPublicAddresses(
              hostname,
              hostname,
              addresses.map((a) => a.address),
            );
          } catch (error) {
            callback(error as NodeJS.ErrnoException, '');
            return;
          }
        }
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** How an operator allows non-public addresses, for the messages they read (CLI, local runs). */
export const allowPrivateNetworkHint = 'set ALLOW_PRIVATE_NETWORK=true to allow it (local testing only)';

/**
 * The one rule for a feed or webhook URL an operator gives (config file, `feeds add`,
 * `subscribers add`), the same the API applies to a webhook: refused when its host is, or
 * resolves to, a non-public address, unless `allowPrivateNetwork`. With `resolve: false` only
 * literal addresses and `localhost` names are judged (a config load must not wait on DNS). A name
 * that does not resolve is not refused here: the request-time guard judges it when it does.
 *
 * @returns the refusal, or undefined when the URL may be used.
 */
export async function checkOperatorUrl(
  input: string,
  options: { allowPrivateNetwork: boolean; resolve?: ResolveHost | false },
): Promise<UrlRefusedError | undefined> {
  if (options.allowPrivateNetwork) return undefined;
  try {
    const url = parseHttpUrl(input);
    const host = hostOf(url);
    // RFC 6761: localhost names are loopback, whatever a resolver says.
    if (/^localhost\.?$|\.localhost\.?$/i.test(host)) throw new UrlRefusedError(url.href, `${host} is a loopback address`, host);
    if (options.resolve === false) {
      if (isIP(host) !== 0) assertPublicAddresses(url.href, host, [host]);
      return undefined;
    }
    await assertPublicUrl(url, options.resolve ? { resolve: options.resolve } : {});
    return undefined;
  } catch (error) {
    if (error instanceof UrlRefusedError) return error;
    return undefined;
  }
}
