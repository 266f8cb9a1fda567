import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isSlackIncomingWebhook, webhookTargetKey } from '../../shared/outbound-http/webhook-target.ts';
import { type ApiHarness, sendJson, startApiHarness, startReceiver } from '../integration/api/api-harness.ts';

/**
 * Security suite, webhook targets (issue 16, finding 2): the Slack format skips intent
 * verification, so it is only for Slack's own incoming-webhook URLs (https, hooks.slack.com or
 * hooks.slack-gov.com, `/services/…`, nothing else); every other URL must answer a challenge.
 * Per-target limits count the normalised URL, so host case or an explicit default port does not
 * buy more messages. This machine has no internet: the API's `fetch` sends every request to a
 * local receiver and records the URL it was meant for.
 */

interface Sent {
  url: string;
  body: string;
}

describe('Slack format and webhook targets', () => {
  let harness: ApiHarness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Every request the API made, with the URL it was for. */
  const sent: Sent[] = [];
  let api: string;

  /** `fetch` that delivers every request to the local receiver, as if the named host answered. */
  const toReceiver: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    sent.push({ url: url.href, body: String(init?.body ?? '') });
    return fetch(`${receiver.url}${url.pathname}`, init);
  };

  /** The API with the network stand-in; private addresses allowed so the pre-check skips DNS (there is none). */
  async function serve(limits?: Parameters<ApiHarness['serve']>[1]): Promise<string> {
    return `${await harness.serve((deps) => ({ ...deps, fetch: toReceiver, env: { ...deps.env, ALLOW_PRIVATE_NETWORK: true } }), limits)}/api`;
  }

  beforeAll(async () => {
    harness = await startApiHarness();
    // Slack answers "ok"; a JSON webhook here never echoes a challenge.
    receiver = await startReceiver((_body, _request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    api = await serve();
  });
  afterAll(async () => {
    await receiver?.close();
    await harness?.stop();
  });
  beforeEach(() => {
    sent.length = 0;
  });

  const subscribe = (base: string, url: string, format?: 'json' | 'slack') =>
    sendJson(`${base}/subscriptions`, 'POST', { channel: { kind: 'webhook', url, ...(format ? { format } : {}) }, topics: ['talks'] });

  it.each([
    ['any public URL (finding 2)', 'https://victim.example/api/ingest'],
    ['a Slack-like path on another host', 'https://victim.example/services/T000/B000/secret'],
    ['plain http to Slack', 'http://hooks.slack.com/services/T000/B000/secret'],
    ['Slack on another port', 'https://hooks.slack.com:8443/services/T000/B000/secret'],
    ['Slack with user info', 'https://user:pw@hooks.slack.com/services/T000/B000/secret'],
    ['Slack with a query string', 'https://hooks.slack.com/services/T000/B000/secret?x=1'],
    ['Slack with a fragment', 'https://hooks.slack.com/services/T000/B000/secret#x'],
    ['a look-alike suffix', 'https://hooks.slack.com.victim.example/services/T000/B000/secret'],
    ['another slack.com host', 'https://api.slack.com/services/T000/B000/secret'],
    ['the host as user info', 'https://hooks.slack.com@victim.example/services/T000/B000/secret'],
    ['the host in the path', 'https://victim.example/hooks.slack.com/services/T000/B000/secret'],
    ['a trailing dot on the host', 'https://hooks.slack.com./services/T000/B000/secret'],
    ['a Cyrillic look-alike host', 'https://hooks.slаck.com/services/T000/B000/secret'],
    ['a workflow trigger, not an incoming webhook', 'https://hooks.slack.com/triggers/T000/1234/secret'],
    ['a path too short', 'https://hooks.slack.com/services/T000/B000'],
    ['a path too long', 'https://hooks.slack.com/services/T000/B000/secret/more'],
    ['dot segments out of /services', 'https://hooks.slack.com/services/../../victim/T000/B000/x'],
    ['a private address', 'http://127.0.0.1:9/services/T000/B000/secret'],
  ])('refuses the Slack format for %s (%s): 422, nothing posted', async (_name, url) => {
    const response = await subscribe(api, url, 'slack');
    expect(response.status).toBe(422);
    expect(((await response.json()) as { type: string }).type).toMatch(/webhook-url-refused|invalid-input/);
    expect(sent).toEqual([]);
  });

  it.each([
    ['a Slack incoming webhook', 'https://hooks.slack.com/services/T0A/B0A/secretA', 'slack'],
    ['one written in capitals', 'https://HOOKS.SLACK.COM/services/T0B/B0B/secretB', 'slack'],
    ['one with the default port written out', 'https://hooks.slack.com:443/services/T0C/B0C/secretC', 'slack'],
    ['a GovSlack incoming webhook', 'https://hooks.slack-gov.com/services/T0D/B0D/secretD', 'slack'],
    ['a Slack incoming webhook left at the json format (recognised)', 'https://hooks.slack.com/services/T0E/B0E/secretE', 'json'],
  ] as const)('accepts %s: one confirmation message, to that webhook only', async (_name, url, format) => {
    const response = await subscribe(api, url, format);
    expect(response.status).toBe(202);
    expect(sent).toHaveLength(1);
    expect(new URL(sent[0]!.url).hostname).toMatch(/^hooks\.slack(-gov)?\.com$/);
    expect(JSON.parse(sent[0]!.body)).toHaveProperty('text');
  });

  it.each([
    ['a JSON webhook that does not echo the challenge', 'https://receiver.example/hook'],
    ['a Slack host URL that is not an incoming webhook, as json', 'https://hooks.slack.com/triggers/T000/1234/secret'],
  ])('verifies %s by challenge like any webhook, and refuses it', async (_name, url) => {
    const response = await subscribe(api, url, 'json');
    expect(response.status).toBe(422);
    expect(((await response.json()) as { type: string }).type).toBe('urn:news-alerts:problem:webhook-challenge-failed');
    // The one request was the challenge, not a message.
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ type: 'url_verification' });
  });

  it('counts the per-target limit on the normalised URL: host case and a written-out port buy nothing more', async () => {
    const limited = await serve({
      limits: {
        subscribePerClient: { name: 'security-slack-client', limit: 1000, windowSeconds: 3600 },
        emailsPerRecipient: { name: 'security-slack-target', limit: 2, windowSeconds: 3600 },
      },
    });
    const variants = [
      'https://hooks.slack.com/services/T0LIM/B0LIM/secretL',
      'https://HOOKS.slack.com/services/T0LIM/B0LIM/secretL',
      'https://hooks.slack.com:443/services/T0LIM/B0LIM/secretL',
      'https://Hooks.Slack.Com:443/services/T0LIM/B0LIM/secretL',
    ];
    const statuses = [];
    for (const url of variants) statuses.push((await subscribe(limited, url, 'slack')).status);
    // The same answer every time (no telling what was sent), but only two messages.
    expect(statuses).toEqual([202, 202, 202, 202]);
    expect(sent).toHaveLength(2);
    // A changed query string is no way round it: refused outright.
    expect((await subscribe(limited, `${variants[0]}?again=1`, 'slack')).status).toBe(422);
    expect(sent).toHaveLength(2);
    // Another webhook has its own allowance.
    expect((await subscribe(limited, 'https://hooks.slack.com/services/T0OTHER/B0OTHER/secretO', 'slack')).status).toBe(202);
    expect(sent).toHaveLength(3);
  });

  describe('the normalised target', () => {
    it.each([
      ['host case', 'https://Example.ORG/hook', 'https://example.org/hook'],
      ['an explicit default port', 'https://example.org:443/hook', 'https://example.org/hook'],
      ['a query string', 'https://example.org/hook?a=1', 'https://example.org/hook?a=2'],
      ['a fragment', 'https://example.org/hook#x', 'https://example.org/hook'],
      ['user info', 'https://user:pw@example.org/hook', 'https://example.org/hook'],
      ['a trailing dot on the host', 'https://example.org./hook', 'https://example.org/hook'],
      ['dot segments', 'https://example.org/a/../hook', 'https://example.org/hook'],
      ['an IPv4 address in hex', 'http://0x5db8d70e/hook', 'http://93.184.215.14/hook'],
    ])('is the same target despite %s', (_name, a, b) => {
      expect(webhookTargetKey(a)).toBe(webhookTargetKey(b));
    });

    it.each([
      ['another path', 'https://example.org/hook', 'https://example.org/other'],
      ['another port', 'https://example.org/hook', 'https://example.org:8443/hook'],
      ['another scheme', 'https://example.org/hook', 'http://example.org/hook'],
      ['another host', 'https://example.org/hook', 'https://example.net/hook'],
    ])('is another target with %s', (_name, a, b) => {
      expect(webhookTargetKey(a)).not.toBe(webhookTargetKey(b));
    });

    it('recognises a Slack incoming webhook only by its exact form', () => {
      expect(isSlackIncomingWebhook('https://hooks.slack.com/services/T000/B000/secret')).toBe(true);
      expect(isSlackIncomingWebhook('https://hooks.slack.com.example.org/services/T000/B000/secret')).toBe(false);
    });
  });
});
