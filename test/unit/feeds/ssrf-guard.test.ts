import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  assertPublicUrl,
  createGuardedLookup,
  describeNonPublicAddress,
  UrlRefusedError,
  type ResolveHost,
} from '../../../shared/outbound-http/ssrf-guard.ts';

/** DNS answers as a fixed table: unit tests never touch the network. */
function fixedDns(table: Record<string, string[]>): ResolveHost {
  return async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe('describeNonPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.10.20', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    // The IANA registry: IPv4-mapped is not globally reachable, whatever it maps.
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
  ])('refuses %s (%s)', (address, label) => {
    const why = describeNonPublicAddress(address);
    expect(why).toBeDefined();
    expect(why).toContain(label);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '64:ff9b::808:808'])(
    'accepts the public address %s',
    (address) => {
      expect(describeNonPublicAddress(address)).toBeUndefined();
    },
  );

  it('refuses what is not an IP address', () => {
    expect(describeNonPublicAddress('example.org')).toBe('not an IP address');
  });
});

describe('assertPublicUrl', () => {
  const dns = fixedDns({
    'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'internal.example': ['10.0.0.5'],
    'mixed.example': ['93.184.215.14', '127.0.0.1'],
    'v6-loopback.example': ['::1'],
  });

  it('accepts a host that resolves only to public addresses', async () => {
    const url = await assertPublicUrl('https://public.example/feed.xml', { resolve: dns });
    expect(url.href).toBe('https://public.example/feed.xml');
  });

  it.each([
    ['http://127.0.0.1/', '127.0.0.1 is a loopback address'],
    ['http://[::1]:8080/', '::1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback address'],
    ['http://0177.0.0.1/', '127.0.0.1 is a loopback address'],
    ['http://10.1/', '10.0.0.1 is a private address'],
  ])('refuses the IP-literal URL %s', async (input, reason) => {
    const act = assertPublicUrl(input, { resolve: dns });
    await expect(act).rejects.toBeInstanceOf(UrlRefusedError);
    await expect(act).rejects.toThrow(reason);
  });

  it('refuses a host when any of its addresses is not public', async () => {
    await expect(assertPublicUrl('http://mixed.example/rss', { resolve: dns })).rejects.toThrow(
      'URL refused: mixed.example resolves to 127.0.0.1, a loopback address (http://mixed.example/rss)',
    );
    await expect(assertPublicUrl('http://internal.example/', { resolve: dns })).rejects.toThrow('a private address');
    await expect(assertPublicUrl('http://v6-loopback.example/', { resolve: dns })).rejects.toThrow('::1, a loopback address');
  });

  it('allows private targets only when allowPrivateNetwork is set', async () => {
    await expect(assertPublicUrl('http://127.0.0.1:8080/feed', { allowPrivateNetwork: true, resolve: dns })).resolves.toBeInstanceOf(URL);
    await expect(assertPublicUrl('http://internal.example/', { allowPrivateNetwork: true, resolve: dns })).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['file:///etc/passwd', 'scheme "file" is not http or https'],
    ['ftp://public.example/feed', 'scheme "ftp" is not http or https'],
    ['javascript:alert(1)', 'scheme "javascript" is not http or https'],
    ['not a url', 'not a valid absolute URL'],
  ])('refuses %s with a clear error, even with allowPrivateNetwork', async (input, reason) => {
    const act = assertPublicUrl(input, { allowPrivateNetwork: true, resolve: dns });
    await expect(act).rejects.toBeInstanceOf(UrlRefusedError);
    await expect(act).rejects.toThrow(reason);
  });

  it('removes credentials from the URL in its error', async () => {
    await expect(assertPublicUrl('http://user:secret@127.0.0.1/feed', { resolve: dns })).rejects.toThrow('(http://127.0.0.1/feed)');
  });

  it('lets DNS errors through as they are', async () => {
    await expect(assertPublicUrl('http://missing.example/', { resolve: dns })).rejects.toThrow('ENOTFOUND');
  });
});

describe('createGuardedLookup', () => {
  function lookup(guard: ReturnType<typeof createGuardedLookup>, hostname: string, all: boolean) {
    return new Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number }>((resolve) => {
      guard(hostname, { all }, (error, address, family) => resolve({ error, address, family }));
    });
  }

  it('answers in the form asked for (all, or first address) when every address is public', async () => {
    const guard = createGuardedLookup({ resolve: fixedDns({ 'public.example': ['93.184.215.14', '2606:4700::1'] }) });
    const all = await lookup(guard, 'public.example', true);
    expect(all.error).toBeNull();
    expect(all.address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ]);
    const one = await lookup(guard, 'public.example', false);
    expect(one).toMatchObject({ error: null, address: '93.184.215.14', family: 4 });
  });

  it('fails the connection when the name resolves to a non-public address (DNS rebinding)', async () => {
    const guard = createGuardedLookup({ resolve: fixedDns({ 'rebind.example': ['93.184.215.14', '10.0.0.7'] }) });
    const result = await lookup(guard, 'rebind.example', true);
    expect(result.error).toBeInstanceOf(UrlRefusedError);
    expect(result.error?.message).toContain('rebind.example resolves to 10.0.0.7, a private address');
  });

  it('passes private addresses when allowPrivateNetwork is set', async () => {
    const guard = createGuardedLookup({ allowPrivateNetwork: true, resolve: fixedDns({ 'db.internal': ['10.0.0.7'] }) });
    expect((await lookup(guard, 'db.internal', false)).address).toBe('10.0.0.7');
  });
});
