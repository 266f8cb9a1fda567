import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsEqual } from '../../shared/subscriptions/tokens/subscription-tokens.ts';
import { type ApiHarness, startApiHarness } from '../integration/api/api-harness.ts';

/**
 * Security suite, operator authentication (issue 16, finding 10): the admin API takes the
 * operator's token only as `Authorization: Bearer`; HTTP Basic (which a browser caches for the
 * status page and then sends everywhere on the origin) opens only `/status`. Every other way a
 * probe tried to present a token is refused, on every admin endpoint.
 */

const endpoints: [string, string][] = [
  ['GET', '/api/admin/status'],
  ['GET', '/api/admin/feeds'],
  ['GET', '/api/admin/subscribers'],
  ['POST', '/api/admin/redrive'],
];

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('admin API authentication', () => {
  let harness: ApiHarness;
  let token: string;
  beforeAll(async () => {
    harness = await startApiHarness();
    token = harness.runtime.secrets.admin.current;
  });
  afterAll(() => harness?.stop());

  function call(method: string, path: string, init: { headers?: Record<string, string>; query?: string } = {}) {
    return fetch(`${harness.url}${path}${init.query ?? ''}`, {
      method,
      headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...init.headers },
      ...(method === 'POST' ? { body: JSON.stringify({ queue: 'webhook' }) } : {}),
    });
  }

  /** [attack, how the token (from `t`) is presented]. */
  const attacks: [string, (t: string) => { headers?: Record<string, string>; query?: string }][] = [
    ['no credentials', () => ({})],
    ['a wrong Bearer token', () => ({ headers: { authorization: 'Bearer wrong-token-wrong-token-wrong-token' } })],
    ['HTTP Basic with the right token as password (finding 10)', (t) => ({ headers: { authorization: basic('operator', t) } })],
    ['HTTP Basic with the right token as user name', (t) => ({ headers: { authorization: basic(t, '') } })],
    ['HTTP Basic with the right token and no colon', (t) => ({ headers: { authorization: `Basic ${Buffer.from(t).toString('base64')}` } })],
    ['the token in the query string (?token=)', (t) => ({ query: `?token=${encodeURIComponent(t)}` })],
    ['the token in the query string (?access_token=)', (t) => ({ query: `?access_token=${encodeURIComponent(t)}` })],
    ['the token in a cookie', (t) => ({ headers: { cookie: `token=${t}; admin=${t}` } })],
    ['the token in X-Api-Key', (t) => ({ headers: { 'x-api-key': t } })],
    ['the token with no scheme', (t) => ({ headers: { authorization: t } })],
    ['the token under another scheme', (t) => ({ headers: { authorization: `Token ${t}` } })],
    ['Bearer with nothing after it', () => ({ headers: { authorization: 'Bearer ' } })],
    ['the token with a character added', (t) => ({ headers: { authorization: `Bearer ${t}x` } })],
    ['the token missing its last character', (t) => ({ headers: { authorization: `Bearer ${t.slice(0, -1)}` } })],
    [
      'the token in another case',
      (t) => ({ headers: { authorization: `Bearer ${t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase()}` } }),
    ],
    ['a 10 000-character token', () => ({ headers: { authorization: `Bearer ${'a'.repeat(10_000)}` } })],
  ];

  const cases = endpoints.flatMap(([method, path]) => attacks.map(([attack, present]) => ({ method, path, attack, present })));

  it.each(cases)('$method $path refuses $attack with 401 and a Bearer challenge', async ({ method, path, present }) => {
    const response = await call(method, path, present(token));
    expect(response.status).toBe(401);
    // A Basic challenge would make a browser prompt for (and then cache) credentials for the API.
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect(await response.text()).not.toContain(token);
  });

  it.each(endpoints)('%s %s accepts the Bearer token (scheme in any case)', async (method, path) => {
    for (const scheme of ['Bearer', 'bearer']) {
      const response = await call(method, path, { headers: { authorization: `${scheme} ${token}` } });
      expect(response.status).not.toBe(401);
      expect(response.status).toBeLessThan(500);
    }
  });

  describe('the browser status page', () => {
    it.each<[string, number, () => string | undefined]>([
      ['the right token as the Basic password', 200, () => basic('operator', token)],
      ['any user name with the right password', 200, () => basic('', token)],
      ['a wrong Basic password', 401, () => basic('operator', 'nope')],
      ['no credentials', 401, () => undefined],
      ['the Bearer token (the page is for browsers)', 401, () => `Bearer ${token}`],
    ])('with %s answers %i', async (_name, expected, authorization) => {
      const value = authorization();
      const response = await fetch(`${harness.url}/status`, { headers: value ? { authorization: value } : {} });
      expect(response.status).toBe(expected);
      if (expected === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      await response.body?.cancel();
    });
  });

  describe('comparison', () => {
    it.each([
      ['equal', 'token-abc', 'token-abc', true],
      ['different, same length', 'token-abd', 'token-abc', false],
      ['a prefix (different length)', 'token-ab', 'token-abc', false],
      ['much longer', `token-abc${'x'.repeat(5000)}`, 'token-abc', false],
      ['empty', '', 'token-abc', false],
    ])('compares tokens in constant time over digests: %s', (_name, given, expected, equal) => {
      // Digests of equal length go to timingSafeEqual: no early exit, no length leak, no throw.
      expect(secretsEqual(given, expected)).toBe(equal);
    });
  });
});
