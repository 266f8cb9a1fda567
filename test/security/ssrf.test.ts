import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FeedUrlRefusedError } from '../../shared/feeds/errors.ts';
import { fetchFeed } from '../../shared/feeds/fetch-feed.ts';
import {
  assertPublicUrl,
  createGuardedLookup,
  describeNonPublicAddress,
  type ResolveHost,
  UrlRefusedError,
} from '../../shared/outbound-http/ssrf-guard.ts';
import { type ApiHarness, sendJson, startApiHarness, startReceiver } from '../integration/api/api-harness.ts';
import { startFeedServer, type FeedServer } from '../integration/feeds/feed-server.ts';

/**
 * Security suite, SSRF (issue 16, finding 7 and the address forms the probe tried): every block
 * of the IANA IPv4 and IPv6 Special-Purpose Address Registries with the verdict its "Globally
 * Reachable" column gives (False and N/A refused, True public), through the real guard as an IP
 * literal, as a DNS answer and at connect time; then the ~40 address forms of a probe, through
 * the guard, a real feed fetch against a live local server (which must see no request), the
 * subscribe API, and redirects.
 */

type Verdict = 'refused' | 'public';
/** [registry block, name, probe addresses, verdict]. */
type RegistryRow = [string, string, string[], Verdict];

/** IANA IPv4 Special-Purpose Address Registry, plus multicast (its own registry) and public controls. */
const ipv4Registry: RegistryRow[] = [
  ['0.0.0.0/8', '"This network"', ['0.0.0.1', '0.255.255.255'], 'refused'],
  ['0.0.0.0/32', '"This host on this network"', ['0.0.0.0'], 'refused'],
  ['10.0.0.0/8', 'Private-Use', ['10.0.0.0', '10.255.255.255'], 'refused'],
  ['100.64.0.0/10', 'Shared Address Space', ['100.64.0.0', '100.127.255.255'], 'refused'],
  ['127.0.0.0/8', 'Loopback', ['127.0.0.1', '127.255.255.254'], 'refused'],
  ['169.254.0.0/16', 'Link Local', ['169.254.0.1', '169.254.169.254', '169.254.255.255'], 'refused'],
  ['172.16.0.0/12', 'Private-Use', ['172.16.0.0', '172.31.255.255'], 'refused'],
  ['192.0.0.0/24', 'IETF Protocol Assignments', ['192.0.0.11', '192.0.0.255'], 'refused'],
  ['192.0.0.0/29', 'IPv4 Service Continuity Prefix', ['192.0.0.1', '192.0.0.7'], 'refused'],
  ['192.0.0.8/32', 'IPv4 dummy address', ['192.0.0.8'], 'refused'],
  ['192.0.0.9/32', 'Port Control Protocol Anycast', ['192.0.0.9'], 'public'],
  ['192.0.0.10/32', 'Traversal Using Relays around NAT Anycast', ['192.0.0.10'], 'public'],
  ['192.0.0.170/32', 'NAT64/DNS64 Discovery', ['192.0.0.170'], 'refused'],
  ['192.0.0.171/32', 'NAT64/DNS64 Discovery', ['192.0.0.171'], 'refused'],
  ['192.0.2.0/24', 'Documentation (TEST-NET-1)', ['192.0.2.1'], 'refused'],
  ['192.31.196.0/24', 'AS112-v4', ['192.31.196.1'], 'public'],
  ['192.52.193.0/24', 'AMT', ['192.52.193.1'], 'public'],
  ['192.88.99.0/24', 'Deprecated (6to4 Relay Anycast)', ['192.88.99.1', '192.88.99.2'], 'refused'],
  ['192.168.0.0/16', 'Private-Use', ['192.168.0.1', '192.168.255.255'], 'refused'],
  ['192.175.48.0/24', 'Direct Delegation AS112 Service', ['192.175.48.1'], 'public'],
  ['198.18.0.0/15', 'Benchmarking', ['198.18.0.1', '198.19.255.255'], 'refused'],
  ['198.51.100.0/24', 'Documentation (TEST-NET-2)', ['198.51.100.1'], 'refused'],
  ['203.0.113.0/24', 'Documentation (TEST-NET-3)', ['203.0.113.1'], 'refused'],
  ['240.0.0.0/4', 'Reserved', ['240.0.0.1', '255.255.255.254'], 'refused'],
  ['255.255.255.255/32', 'Limited Broadcast', ['255.255.255.255'], 'refused'],
  ['224.0.0.0/4', 'Multicast (not in the registry)', ['224.0.0.1', '239.255.255.255'], 'refused'],
  [
    'public',
    'neighbours of special blocks, and ordinary hosts',
    ['100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '8.8.8.8', '93.184.215.14'],
    'public',
  ],
];

/** IANA IPv6 Special-Purpose Address Registry, plus the blocks outside it a probe tries, and public controls. */
const ipv6Registry: RegistryRow[] = [
  ['::1/128', 'Loopback Address', ['::1'], 'refused'],
  ['::/128', 'Unspecified Address', ['::'], 'refused'],
  ['::ffff:0:0/96', 'IPv4-mapped Address', ['::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:8.8.8.8'], 'refused'],
  ['64:ff9b::/96', 'IPv4-IPv6 Translat. (public IPv4 inside)', ['64:ff9b::808:808'], 'public'],
  ['64:ff9b::/96', 'IPv4-IPv6 Translat. (non-public IPv4 inside)', ['64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b::a00:1'], 'refused'],
  ['64:ff9b:1::/48', 'IPv4-IPv6 Translat. (local use)', ['64:ff9b:1::808:808', '64:ff9b:1::a00:1'], 'refused'],
  ['100::/64', 'Discard-Only Address Block', ['100::1'], 'refused'],
  ['100:0:0:1::/64', 'Dummy IPv6 Prefix', ['100:0:0:1::1'], 'refused'],
  ['2001::/23', 'IETF Protocol Assignments', ['2001:100::1', '2001:1::4', '2001:1ff::1'], 'refused'],
  ['2001::/32', 'TEREDO', ['2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2'], 'refused'],
  ['2001:1::1/128', 'Port Control Protocol Anycast', ['2001:1::1'], 'public'],
  ['2001:1::2/128', 'Traversal Using Relays around NAT Anycast', ['2001:1::2'], 'public'],
  ['2001:1::3/128', 'DNS-SD Service Registration Protocol Anycast', ['2001:1::3'], 'public'],
  ['2001:2::/48', 'Benchmarking', ['2001:2::1'], 'refused'],
  ['2001:3::/32', 'AMT', ['2001:3::1'], 'public'],
  ['2001:4:112::/48', 'AS112-v6', ['2001:4:112::1'], 'public'],
  ['2001:10::/28', 'Deprecated (previously ORCHID)', ['2001:10::1'], 'refused'],
  ['2001:20::/28', 'ORCHIDv2', ['2001:20::1'], 'public'],
  ['2001:30::/28', 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', ['2001:30::1'], 'public'],
  ['2001:db8::/32', 'Documentation', ['2001:db8::1'], 'refused'],
  ['2002::/16', '6to4 (public IPv4 inside)', ['2002:808:808::1'], 'public'],
  ['2002::/16', '6to4 (non-public IPv4 inside)', ['2002:7f00:1::1', '2002:a9fe:a9fe::1', '2002:c0a8:101::1'], 'refused'],
  ['2620:4f:8000::/48', 'Direct Delegation AS112 Service', ['2620:4f:8000::1'], 'public'],
  ['3fff::/20', 'Documentation', ['3fff::1', '3fff:fff::1'], 'refused'],
  ['5f00::/16', 'Segment Routing (SRv6) SIDs', ['5f00::1'], 'refused'],
  ['fc00::/7', 'Unique-Local', ['fc00::1', 'fd00::1', 'fd00:ec2::254'], 'refused'],
  ['fe80::/10', 'Link-Local Unicast', ['fe80::1', 'febf::1'], 'refused'],
  ['::/96', 'IPv4-compatible (deprecated, not in the registry)', ['::7f00:1', '::a9fe:a9fe', '::808:808'], 'refused'],
  ['fec0::/10', 'Site-local (deprecated, not in the registry)', ['fec0::1'], 'refused'],
  ['ff00::/8', 'Multicast (not in the registry)', ['ff02::1', 'ff0e::1'], 'refused'],
  ['outside 2000::/3', 'not allocated for global unicast', ['4000::1', '8000::1', 'e000::1'], 'refused'],
  ['public', 'ordinary hosts', ['2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001::1'], 'public'],
];

const rows = (table: RegistryRow[]) =>
  table.flatMap(([block, name, addresses, verdict]) => addresses.map((address) => ({ block, name, address, verdict })));

/** DNS answers as a fixed table (`<address>.dns.test` resolves to the address). */
const tableDns: ResolveHost = async (hostname) => {
  const fixed: Record<string, string[]> = {
    'internal.test': ['10.0.0.5'],
    'mixed.test': ['93.184.215.14', '127.0.0.1'],
    'v6-loopback.test': ['::1'],
    'mapped.test': ['::ffff:10.0.0.1'],
    'compat.test': ['::7f00:1'],
    'nat64-metadata.test': ['64:ff9b::a9fe:a9fe'],
    'trailing.test.': ['127.0.0.1'],
    'empty.test': [],
    'public.test': ['93.184.215.14'],
  };
  const addresses =
    fixed[hostname] ?? (hostname.endsWith('.dns.test') ? [hostname.slice(0, -'.dns.test'.length).replace(/-/g, ':')] : undefined);
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

function lookupVia(guard: ReturnType<typeof createGuardedLookup>, hostname: string) {
  return new Promise<{ error: Error | null; address: string | LookupAddress[] }>((resolve) => {
    guard(hostname, { all: true }, (error, address) => resolve({ error, address }));
  });
}

describe('SSRF guard against the IANA special-purpose registries', () => {
  const guard = createGuardedLookup({ resolve: tableDns });

  describe.each([
    ['IPv4', ipv4Registry],
    ['IPv6', ipv6Registry],
  ])('%s', (_family, table) => {
    it.each(rows(table))('$block $name: $address is $verdict', async ({ address, verdict }) => {
      const literal = address.includes(':') ? `[${address}]` : address;
      const name = `${address.replace(/:/g, '-')}.dns.test`;
      if (verdict === 'refused') {
        expect(describeNonPublicAddress(address)).toBeDefined();
        await expect(assertPublicUrl(`http://${literal}/`)).rejects.toBeInstanceOf(UrlRefusedError);
        await expect(assertPublicUrl(`http://${name}/`, { resolve: tableDns })).rejects.toBeInstanceOf(UrlRefusedError);
        expect((await lookupVia(guard, name)).error).toBeInstanceOf(UrlRefusedError);
      } else {
        expect(describeNonPublicAddress(address)).toBeUndefined();
        await expect(assertPublicUrl(`http://${literal}/`)).resolves.toBeInstanceOf(URL);
        await expect(assertPublicUrl(`http://${name}/`, { resolve: tableDns })).resolves.toBeInstanceOf(URL);
        expect((await lookupVia(guard, name)).error).toBeNull();
      }
    });
  });

  it.each([
    ['[::127.0.0.1] (finding 7)', '::127.0.0.1', 'an IPv4-compatible address (of 127.0.0.1, a loopback address)'],
    ['::a9fe:a9fe (finding 7)', '::a9fe:a9fe', 'an IPv4-compatible address (of 169.254.169.254, the cloud metadata address)'],
    ['NAT64 of metadata', '64:ff9b::169.254.169.254', 'the cloud metadata address (169.254.169.254 embedded in a NAT64 address)'],
    ['6to4 of loopback', '2002:7f00:1::', 'a loopback address (127.0.0.1 embedded in a 6to4 address)'],
  ])('names the reason: %s', (_name, address, reason) => {
    expect(describeNonPublicAddress(address)).toBe(reason);
  });
});

/** Address forms, with `{port}` the live server's port: [name, URL]. */
const addressForms: [string, string][] = [
  ['dotted loopback', 'http://127.0.0.1:{port}/feed'],
  ['short form 127.1', 'http://127.1:{port}/feed'],
  ['short form 127.0.1', 'http://127.0.1:{port}/feed'],
  ['decimal integer', 'http://2130706433:{port}/feed'],
  ['hex integer', 'http://0x7f000001:{port}/feed'],
  ['hex short form', 'http://0x7f.1:{port}/feed'],
  ['hex per octet', 'http://0x7f.0x0.0x0.0x1:{port}/feed'],
  ['octal integer', 'http://017700000001:{port}/feed'],
  ['octal first octet', 'http://0177.0.0.1:{port}/feed'],
  ['octal short form', 'http://0177.1:{port}/feed'],
  ['trailing dot on an IP', 'http://127.0.0.1.:{port}/feed'],
  ['fullwidth digits', 'http://１２７.０.０.１:{port}/feed'],
  ['percent-encoded host', 'http://%31%32%37.0.0.1:{port}/feed'],
  ['zero', 'http://0:{port}/feed'],
  ['0.0.0.0', 'http://0.0.0.0:{port}/feed'],
  ['private 10.1 short form', 'http://10.1:{port}/feed'],
  ['metadata dotted', 'http://169.254.169.254/latest/meta-data/'],
  ['metadata decimal', 'http://2852039166/latest/meta-data/'],
  ['metadata hex', 'http://0xa9fea9fe/latest/meta-data/'],
  ['metadata short form', 'http://169.254.43518/latest/meta-data/'],
  ['metadata IPv6 (Nitro)', 'http://[fd00:ec2::254]/latest/meta-data/'],
  ['IPv6 loopback', 'http://[::1]:{port}/feed'],
  ['IPv6 loopback in full', 'http://[0:0:0:0:0:0:0:1]:{port}/feed'],
  ['IPv6 unspecified', 'http://[::]:{port}/feed'],
  ['IPv4-mapped dotted', 'http://[::ffff:127.0.0.1]:{port}/feed'],
  ['IPv4-mapped hex', 'http://[::ffff:7f00:1]:{port}/feed'],
  ['IPv4-compatible dotted', 'http://[::127.0.0.1]:{port}/feed'],
  ['IPv4-compatible metadata', 'http://[::a9fe:a9fe]/latest/meta-data/'],
  ['NAT64 of loopback', 'http://[64:ff9b::127.0.0.1]:{port}/feed'],
  ['6to4 of loopback', 'http://[2002:7f00:1::]:{port}/feed'],
  ['link-local IPv6', 'http://[fe80::1]:{port}/feed'],
  ['link-local IPv6 with a zone id', 'http://[fe80::1%25eth0]:{port}/feed'],
  ['unique-local IPv6', 'http://[fd12:3456::1]:{port}/feed'],
  ['localhost', 'http://localhost:{port}/feed'],
  ['LOCALHOST in capitals', 'http://LOCALHOST:{port}/feed'],
  ['userinfo before a loopback host', 'http://evil.example@127.0.0.1:{port}/feed'],
  ['user and password before a loopback host', 'http://user:pass@127.0.0.1:{port}/feed'],
  ['fragment hiding the host', 'http://127.0.0.1:{port}/feed#@evil.example'],
  ['backslash before @', 'http://127.0.0.1:{port}\\@evil.example/feed'],
  ['an internal service port', 'http://127.0.0.1:6379/'],
  ['file scheme', 'file:///etc/passwd'],
  ['gopher scheme', 'gopher://127.0.0.1:6379/_INFO'],
  ['ftp scheme', 'ftp://127.0.0.1/feed'],
  ['dict scheme', 'dict://127.0.0.1:11211/stats'],
  ['data scheme', 'data:text/xml,<rss/>'],
  ['javascript scheme', 'javascript:alert(1)'],
  ['not a URL', 'not a url'],
];

/** Names that resolve (by the table DNS) to non-public addresses: [name, URL]. */
const dnsForms: [string, string][] = [
  ['a name resolving to a private address', 'http://internal.test/feed'],
  ['a name with one public and one loopback address', 'http://mixed.test/feed'],
  ['a name resolving to ::1', 'http://v6-loopback.test/feed'],
  ['a name resolving to an IPv4-mapped private address', 'http://mapped.test/feed'],
  ['a name resolving to an IPv4-compatible loopback', 'http://compat.test/feed'],
  ['a name resolving to NAT64 of the metadata address', 'http://nat64-metadata.test/feed'],
  ['a name with a trailing dot resolving to loopback', 'http://trailing.test./feed'],
  ['a name resolving to no address', 'http://empty.test/feed'],
];

describe('address forms a probe tries', () => {
  let server: FeedServer;
  beforeAll(async () => {
    server = await startFeedServer();
    server.routes.set('/feed', (_q, s) =>
      s.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss version="2.0"><channel/></rss>'),
    );
  });
  afterAll(() => server?.stop());
  beforeEach(() => {
    server.requests.length = 0;
  });
  const at = (form: string) => form.replace('{port}', String(server.port));

  it.each(addressForms)('refuses %s (%s) in the guard and in a real feed fetch, which sends nothing', async (_name, form) => {
    await expect(assertPublicUrl(at(form))).rejects.toBeInstanceOf(UrlRefusedError);
    await expect(fetchFeed(at(form), { timeoutMs: 5000 })).rejects.toBeInstanceOf(FeedUrlRefusedError);
    expect(server.requests).toEqual([]);
  });

  it.each(dnsForms)('refuses %s (%s)', async (_name, url) => {
    await expect(assertPublicUrl(url, { resolve: tableDns })).rejects.toBeInstanceOf(UrlRefusedError);
    await expect(fetchFeed(url, { resolve: tableDns, timeoutMs: 5000 })).rejects.toBeInstanceOf(FeedUrlRefusedError);
  });

  it('refuses localhost with a trailing dot: refused if it resolves, unreachable if not', async () => {
    const act = assertPublicUrl(at('http://localhost.:{port}/feed'));
    await expect(act).rejects.toThrow(/loopback|ENOTFOUND|EAI_AGAIN/);
    await expect(fetchFeed(at('http://localhost.:{port}/feed'), { timeoutMs: 5000 })).rejects.toThrow();
    expect(server.requests).toEqual([]);
  });

  it('refuses at connect time a name the pre-check was told is public (DNS rebinding)', async () => {
    // The pre-request check sees a public answer; the connection's own lookup (system DNS) finds loopback.
    const rebinding: ResolveHost = async () => [{ address: '93.184.215.14', family: 4 }];
    await expect(fetchFeed(at('http://localhost:{port}/feed'), { resolve: rebinding, timeoutMs: 5000 })).rejects.toBeInstanceOf(
      FeedUrlRefusedError,
    );
    expect(server.requests).toEqual([]);
  });

  describe('redirects', () => {
    // The test's own agent sends feeds.test to the live server; the pre-check believes it public.
    let toLocalServer: Agent;
    beforeAll(() => {
      toLocalServer = new Agent({
        connect: {
          lookup: (hostname, options, callback) => systemLookup(hostname === 'feeds.test' ? '127.0.0.1' : hostname, options, callback),
        },
      });
    });
    afterAll(() => toLocalServer?.close());
    const dns: ResolveHost = async (hostname) =>
      hostname === 'feeds.test' ? [{ address: '93.184.215.14', family: 4 }] : tableDns(hostname);

    it.each([
      ['loopback', 'http://127.0.0.1:{port}/feed'],
      ['loopback in hex', 'http://0x7f.1:{port}/feed'],
      ['the metadata address', 'http://169.254.169.254/latest/meta-data/'],
      ['IPv4-compatible loopback', 'http://[::127.0.0.1]:{port}/feed'],
      ['IPv6 loopback', 'http://[::1]:{port}/feed'],
      ['a name resolving to a private address', 'http://internal.test/feed'],
      ['a file URL', 'file:///etc/passwd'],
      ['a gopher URL', 'gopher://127.0.0.1:6379/_INFO'],
    ])('a feed redirecting to %s is refused at that hop', async (_name, target) => {
      server.routes.set('/redirect', (_q, s) => s.writeHead(302, { location: at(target) }).end());
      const act = fetchFeed(`http://feeds.test:${server.port}/redirect`, { resolve: dns, dispatcher: toLocalServer, timeoutMs: 5000 });
      await expect(act).rejects.toBeInstanceOf(FeedUrlRefusedError);
      expect(server.requests.map((r) => r.path)).toEqual(['/redirect']);
    });
  });
});

describe('webhook URLs through the subscribe API (private targets refused)', () => {
  let harness: ApiHarness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    harness = await startApiHarness();
    receiver = await startReceiver((body, _request, response) => {
      const { challenge } = JSON.parse(body) as { challenge?: string };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge }));
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await harness?.stop();
  });

  const subscribe = (url: string) =>
    sendJson(`${harness.url}/api/subscriptions`, 'POST', { channel: { kind: 'webhook', url }, topics: ['talks'] });
  const port = () => new URL(receiver.url).port;

  it.each([
    ...addressForms.filter(([, form]) => form.includes('{port}')),
    ['localhost with a trailing dot', 'http://localhost.:{port}/feed'] as [string, string],
  ])('answers 422 to a webhook at %s (%s), and the receiver hears nothing', async (_name, form) => {
    const response = await subscribe(form.replace('{port}', port()));
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { type: string };
    expect(problem.type).toMatch(/webhook-url-refused|invalid-input|webhook-challenge-failed/);
    expect(receiver.bodies).toEqual([]);
  });

  it.each([
    ['file scheme', 'file:///etc/passwd'],
    ['gopher scheme', 'gopher://127.0.0.1:6379/_INFO'],
    ['javascript scheme', 'javascript:alert(1)'],
    ['metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv4-compatible metadata (finding 7)', 'http://[::a9fe:a9fe]/'],
  ])('answers 422 to a webhook with a %s', async (_name, url) => {
    const response = await subscribe(url);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { type: string }).type).toMatch(/webhook-url-refused|invalid-input/);
  });

  it('does not follow a webhook redirect, even where private targets are allowed (local fixtures)', async () => {
    const redirecting = await startReceiver((_body, _request, response) =>
      response.writeHead(307, { location: `${receiver.url}/elsewhere` }).end(),
    );
    try {
      const localApi = await harness.serve((deps) => ({ ...deps, env: { ...deps.env, ALLOW_PRIVATE_NETWORK: true } }));
      const response = await sendJson(`${localApi}/api/subscriptions`, 'POST', {
        channel: { kind: 'webhook', url: `${redirecting.url}/hook` },
        topics: ['talks'],
      });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { detail: string }).detail).toContain('redirect');
      expect(redirecting.bodies).toHaveLength(1);
      expect(receiver.bodies).toEqual([]);
    } finally {
      await redirecting.close();
    }
  });
});
