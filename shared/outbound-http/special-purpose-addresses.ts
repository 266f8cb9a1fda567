import { ipInNetwork, parseIpNetwork, type IpAddress, type IpNetwork } from '../core/ip-address.ts';

/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates), as the
 * SSRF guard reads them: each block with what its "Globally Reachable" column says. `false`
 * and the registry's "N/A" (Teredo, the deprecated ORCHID and 6to4 relay blocks) are refused;
 * `true` blocks (AS112, AMT, the anycast services) are public; `embedded` blocks (NAT64's
 * well-known prefix, 6to4) carry an IPv4 address and are judged by it, since a translator or
 * relay would deliver the request there. Multicast, site-local and IPv4-compatible blocks are
 * not in the registries but are never a web server: they are listed as refused.
 */
export interface SpecialPurposeBlock {
  cidr: string;
  /** A phrase for the refusal: "a loopback address". */
  label: string;
  verdict: 'refused' | 'public' | 'embedded';
  /** Where the block carries an IPv4 address: in the low 32 bits, or in bits 16–47 (6to4). */
  carries?: 'low-bits' | '6to4';
}

const refused = (cidr: string, label: string): SpecialPurposeBlock => ({ cidr, label, verdict: 'refused' });
const publicBlock = (cidr: string, label: string): SpecialPurposeBlock => ({ cidr, label, verdict: 'public' });

const RESERVED = 'a reserved address';
const DOCUMENTATION = 'a documentation address';

const IPV4_SPECIAL_PURPOSE: readonly SpecialPurposeBlock[] = [
  refused('0.0.0.0/8', 'an unspecified address'),
  refused('10.0.0.0/8', 'a private address'),
  refused('100.64.0.0/10', 'a carrier-grade NAT address'),
  refused('127.0.0.0/8', 'a loopback address'),
  refused('169.254.0.0/16', 'a link-local address'),
  refused('172.16.0.0/12', 'a private address'),
  refused('192.0.0.0/24', 'an IETF protocol assignment'),
  refused('192.0.0.0/29', 'an IPv4 service continuity address'),
  refused('192.0.0.8/32', 'the IPv4 dummy address'),
  publicBlock('192.0.0.9/32', 'the Port Control Protocol anycast address'),
  publicBlock('192.0.0.10/32', 'the TURN anycast address'),
  refused('192.0.0.170/31', 'a NAT64/DNS64 discovery address'),
  refused('192.0.2.0/24', DOCUMENTATION),
  publicBlock('192.31.196.0/24', 'an AS112 address'),
  publicBlock('192.52.193.0/24', 'an AMT address'),
  refused('192.88.99.0/24', 'a deprecated 6to4 relay anycast address'),
  refused('192.168.0.0/16', 'a private address'),
  publicBlock('192.175.48.0/24', 'an AS112 direct delegation address'),
  refused('198.18.0.0/15', 'a benchmarking address'),
  refused('198.51.100.0/24', DOCUMENTATION),
  refused('203.0.113.0/24', DOCUMENTATION),
  refused('224.0.0.0/4', 'a multicast address'),
  refused('240.0.0.0/4', RESERVED),
  refused('255.255.255.255/32', 'a broadcast address'),
];

const IPV6_SPECIAL_PURPOSE: readonly SpecialPurposeBlock[] = [
  refused('::/128', 'an unspecified address'),
  refused('::1/128', 'a loopback address'),
  // Deprecated IPv4-compatible form (RFC 4291): `[::127.0.0.1]` reaches 127.0.0.1 on some stacks.
  { ...refused('::/96', 'an IPv4-compatible address'), carries: 'low-bits' },
  { ...refused('::ffff:0:0/96', 'an IPv4-mapped address'), carries: 'low-bits' },
  { ...refused('::ffff:0:0:0/96', 'an IPv4-translated address'), carries: 'low-bits' },
  { cidr: '64:ff9b::/96', label: 'a NAT64 address', verdict: 'embedded', carries: 'low-bits' },
  refused('64:ff9b:1::/48', 'a local-use NAT64 address'),
  refused('100::/64', 'a discard-only address'),
  refused('100:0:0:1::/64', 'a dummy IPv6 address'),
  refused('2001::/23', 'an IETF protocol assignment'),
  refused('2001::/32', 'a Teredo tunnel address'),
  publicBlock('2001:1::1/128', 'the Port Control Protocol anycast address'),
  publicBlock('2001:1::2/128', 'the TURN anycast address'),
  publicBlock('2001:1::3/128', 'the DNS-SD service registration anycast address'),
  refused('2001:2::/48', 'a benchmarking address'),
  publicBlock('2001:3::/32', 'an AMT address'),
  publicBlock('2001:4:112::/48', 'an AS112 address'),
  refused('2001:10::/28', 'a deprecated ORCHID address'),
  publicBlock('2001:20::/28', 'an ORCHIDv2 address'),
  publicBlock('2001:30::/28', 'a drone remote ID address'),
  refused('2001:db8::/32', DOCUMENTATION),
  { cidr: '2002::/16', label: 'a 6to4 address', verdict: 'embedded', carries: '6to4' },
  publicBlock('2620:4f:8000::/48', 'an AS112 direct delegation address'),
  refused('3fff::/20', DOCUMENTATION),
  refused('5f00::/16', 'a segment routing address'),
  refused('fc00::/7', 'a unique-local address'),
  refused('fe80::/10', 'a link-local address'),
  refused('fec0::/10', 'a deprecated site-local address'),
  refused('ff00::/8', 'a multicast address'),
];

type Parsed = { block: SpecialPurposeBlock; network: IpNetwork };

/**
 * The blocks parsed at the first check, not at import: a process that never checks an address
 * (local feeds with private networks allowed) does not pay for it.
 */
let parsedBlocks: Parsed[] | undefined;
/** Every IPv6 address outside the global unicast space is refused, registered or not. */
let globalUnicast: IpNetwork | undefined;

/** The most specific registry block holding `address`, if any (the registry nests blocks). */
export function specialPurposeBlockOf(address: IpAddress): SpecialPurposeBlock | undefined {
  parsedBlocks ??= [...IPV4_SPECIAL_PURPOSE, ...IPV6_SPECIAL_PURPOSE].map((block) => ({ block, network: parseIpNetwork(block.cidr) }));
  let best: Parsed | undefined;
  for (const entry of parsedBlocks) {
    if (!ipInNetwork(address, entry.network)) continue;
    if (!best || entry.network.prefixLength > best.network.prefixLength) best = entry;
  }
  return best?.block;
}

/** Whether an IPv6 address lies in 2000::/3, the only space IANA allocates for global unicast. */
export function isGlobalUnicastSpace(address: IpAddress): boolean {
  globalUnicast ??= parseIpNetwork('2000::/3');
  return ipInNetwork(address, globalUnicast);
}
