import { isIP } from 'node:net';

/** An IP address as its bits: 32 of them for IPv4, 128 for IPv6. */
export interface IpAddress {
  kind: 'ipv4' | 'ipv6';
  bits: bigint;
}

/** A network: the address bits of its start and how many leading bits every member shares. */
export interface IpNetwork extends IpAddress {
  prefixLength: number;
}

const widthOf = (kind: IpAddress['kind']): bigint => (kind === 'ipv4' ? 32n : 128n);

/**
 * The address in `text`: dotted-decimal IPv4 or IPv6 text (`::` compression and a dotted IPv4
 * tail allowed, no zone), as `node:net` `isIP` accepts them; undefined for anything else.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const version = isIP(text);
  if (version === 4) return { kind: 'ipv4', bits: ipv4Bits(text) };
  if (version === 6) return { kind: 'ipv6', bits: ipv6Bits(text) };
  return undefined;
}

/** `a.b.c.d/n` or `x:y::/n`; throws on malformed text (the callers' tables are constants). */
export function parseIpNetwork(cidr: string): IpNetwork {
  const [text = '', prefix = ''] = cidr.split('/');
  const address = parseIpAddress(text);
  const prefixLength = Number(prefix);
  if (!address || !/^\d+$/.test(prefix) || BigInt(prefixLength) > widthOf(address.kind)) {
    throw new Error(`IP network invalid: not an address and a prefix length (${cidr})`);
  }
  return { ...address, prefixLength };
}

/** Whether `address` lies in `network` (never across families). */
export function ipInNetwork(address: IpAddress, network: IpNetwork): boolean {
  if (address.kind !== network.kind) return false;
  const shift = widthOf(address.kind) - BigInt(network.prefixLength);
  return address.bits >> shift === network.bits >> shift;
}

/** The IPv4 address made of 32 bits, as dotted-decimal text. */
export function ipv4Text(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 0xffn)).join('.');
}

/** The IPv6 address's eight 16-bit groups, most significant first. */
export function ipv6Groups(bits: bigint): number[] {
  return Array.from({ length: 8 }, (_, i) => Number((bits >> BigInt(112 - i * 16)) & 0xffffn));
}

function ipv4Bits(text: string): bigint {
  return text.split('.').reduce((bits, part) => (bits << 8n) | BigInt(Number(part)), 0n);
}

/** `isIP` has accepted the text: groups are hex, at most one `::`, an optional dotted tail. */
function ipv6Bits(text: string): bigint {
  const groupsOf = (side: string): number[] =>
    side === ''
      ? []
      : side.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const v4 = ipv4Bits(group);
          return [Number(v4 >> 16n), Number(v4 & 0xffffn)];
        });
  const [head = '', tail] = text.split('::');
  const high = groupsOf(head);
  const low = tail === undefined ? [] : groupsOf(tail);
  const groups = [...high, ...new Array<number>(8 - high.length - low.length).fill(0), ...low];
  return groups.reduce((bits, group) => (bits << 16n) | BigInt(group), 0n);
}
