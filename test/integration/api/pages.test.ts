import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/http-api/handler.ts';
import { type ApiHarness, startApiHarness } from './api-harness.ts';
import { linkTo } from './outbox.ts';

/** The pages over real HTTP: forms, CSRF, errors shown next to their fields, the status page. */

interface FormSession {
  cookie: string;
  csrf: string;
  html: string;
}

async function openForm(url: string): Promise<FormSession> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const html = await response.text();
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { cookie, csrf, html };
}

function post(url: string, fields: [string, string][], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('pages', () => {
  let harness: ApiHarness;

  beforeAll(async () => {
    harness = await startApiHarness();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('serves the subscribe form with a label for every field and a CSRF cookie', async () => {
    const form = await openForm(`${harness.url}/`);
    expect(form.cookie).toMatch(/^na_csrf=/);
    expect(form.csrf.length).toBeGreaterThan(20);
    const ids = [...form.html.matchAll(/<(?:input|select)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toEqual(
      expect.arrayContaining(['email', 'topic-0', 'topic-1', 'topic-2', 'filter', 'cadence-daily', 'deliveryHour', 'timeZone']),
    );
    for (const id of ids) expect(form.html, id).toContain(`<label for="${id}"`);
    expect(form.html).not.toMatch(/<script/i);
    expect(form.html).toContain('<option selected>UTC</option>');
  });

  it('serves the stylesheet the pages link to, cacheable', async () => {
    const form = await openForm(`${harness.url}/`);
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(form.html)![1]!;
    const css = await fetch(`${harness.url}${href.replace(/&amp;/g, '&')}`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('cache-control')).toContain('immutable');
  });

  describe('CSRF', () => {
    const fields = (csrf: string): [string, string][] => [
      ['csrf', csrf],
      ['email', 'csrf@example.org'],
      ['topics', 'talks'],
      ['cadence', 'instant'],
    ];

    it('refuses a post without the cookie, with a wrong token, from another site or origin', async () => {
      const form = await openForm(`${harness.url}/`);
      const cases: [string, Response][] = [
        ['no cookie', await post(`${harness.url}/subscribe`, fields(form.csrf))],
        ['wrong token', await post(`${harness.url}/subscribe`, fields(`${form.csrf.slice(0, -2)}xx`), { cookie: form.cookie })],
        ['no token', await post(`${harness.url}/subscribe`, fields('').slice(1), { cookie: form.cookie })],
        ['cross-site', await post(`${harness.url}/subscribe`, fields(form.csrf), { cookie: form.cookie, 'sec-fetch-site': 'cross-site' })],
        [
          'foreign origin',
          await post(`${harness.url}/subscribe`, fields(form.csrf), { cookie: form.cookie, origin: 'https://evil.example' }),
        ],
        [
          'token of another cookie',
          await post(`${harness.url}/subscribe`, fields(form.csrf), { cookie: 'na_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
        ],
      ];
      for (const [name, response] of cases) {
        expect(response.status, name).toBe(403);
        expect(await response.text(), name).toContain('Please send the form again');
      }
      expect((await harness.outbox()).filter((m) => m.to === 'csrf@example.org')).toHaveLength(0);
    });

    it('accepts the same post from our own page and redirects to "check your inbox"', async () => {
      const form = await openForm(`${harness.url}/`);
      const response = await post(`${harness.url}/subscribe`, fields(form.csrf), {
        cookie: form.cookie,
        origin: harness.url,
        'sec-fetch-site': 'same-origin',
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/check-inbox');
      expect((await harness.outbox()).filter((m) => m.to === 'csrf@example.org')).toHaveLength(1);
    });
  });

  it('shows errors next to their fields, keeps what was typed, escaped', async () => {
    const form = await openForm(`${harness.url}/`);
    const response = await post(
      `${harness.url}/subscribe`,
      [
        ['csrf', form.csrf],
        ['email', '<b>x</b>'],
        ['filter', '"unclosed <script>'],
        ['cadence', 'weekly'],
        ['weeklyDay', 'fri'],
      ],
      { cookie: form.cookie },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<title>Error: Subscribe');
    expect(html).toContain('There is a problem');
    expect(html).toContain('id="email-error"');
    expect(html).toContain('Enter an email address like name@example.org');
    expect(html).toContain('Choose at least one topic');
    expect(html).toMatch(/id="email"[^>]*aria-describedby="email-error email-hint"[^>]*aria-invalid="true"/);
    expect(html).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
    expect(html).not.toContain('<script>');
    expect(html).toMatch(/id="cadence-weekly"[^>]*checked/);
    expect(html).toMatch(/<option value="fri" selected>/);
  });

  it("shows a filter that does not parse as the filter field's error", async () => {
    const form = await openForm(`${harness.url}/`);
    const response = await post(
      `${harness.url}/subscribe`,
      [
        ['csrf', form.csrf],
        ['email', 'f@example.org'],
        ['topics', 'talks'],
        ['filter', 'iran AND (oil'],
      ],
      { cookie: form.cookie },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="filter-error"');
    expect(html).toContain('The filter does not read right');
  });

  it('confirms and manages by the emailed links; a bad manage link gets a page saying so', async () => {
    const form = await openForm(`${harness.url}/`);
    await post(
      `${harness.url}/subscribe`,
      [
        ['csrf', form.csrf],
        ['email', 'pages@example.org'],
        ['topics', 'talks'],
        ['cadence', 'instant'],
      ],
      { cookie: form.cookie },
    );
    const mail = (await harness.outbox()).find((m) => m.to === 'pages@example.org')!;
    const confirmPage = await openForm(linkTo(mail, '/confirm'));
    expect(confirmPage.html).toContain('pages@example.org');
    const token = new URL(linkTo(mail, '/confirm')).searchParams.get('token')!;
    const confirmed = await post(
      `${harness.url}/confirm`,
      [
        ['csrf', confirmPage.csrf],
        ['token', token],
      ],
      { cookie: confirmPage.cookie },
    );
    expect(confirmed.status).toBe(200);
    const manageHref = /href="(\/manage\?token=[^"]+)"/.exec(await confirmed.text())![1]!.replace(/&amp;/g, '&');

    const manage = await openForm(`${harness.url}${manageHref}`);
    expect(manage.html).toContain('Manage your subscription');
    const manageToken = new URL(manageHref, harness.url).searchParams.get('token')!;
    const saved = await post(
      `${harness.url}/manage`,
      [
        ['csrf', manage.csrf],
        ['token', manageToken],
        ['action', 'save'],
        ['topics', 'un-meeting'],
        ['topics', 'sanctions'],
        ['cadence', 'weekly'],
        ['deliveryHour', '18'],
        ['weeklyDay', 'sun'],
        ['timeZone', 'Asia/Tokyo'],
        ['filter', ''],
      ],
      { cookie: manage.cookie },
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toMatch(/done=saved$/);
    const subscriber = (await harness.runtime.deps.subscriptions.listSubscribers()).find((s) =>
      s.channels.some((c) => c.kind === 'email' && c.address === 'pages@example.org'),
    )!;
    expect(subscriber).toMatchObject({
      topics: ['un-meeting', 'sanctions'],
      cadence: { email: 'weekly' },
      deliveryHour: 18,
      weeklyDay: 'sun',
      timeZone: 'Asia/Tokyo',
      state: 'active',
    });

    const unsubscribed = await post(
      `${harness.url}/manage`,
      [
        ['csrf', manage.csrf],
        ['token', manageToken],
        ['action', 'unsubscribe'],
      ],
      { cookie: manage.cookie },
    );
    expect(unsubscribed.status).toBe(200);
    expect(await unsubscribed.text()).toContain('You are unsubscribed');
    // The unsubscribe revoked the manage link it was made with.
    const after = await fetch(`${harness.url}${manageHref}`);
    expect(after.status).toBe(403);

    const forged = await fetch(`${harness.url}/manage?token=${encodeURIComponent(`${manageToken.slice(0, -3)}abc`)}`);
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('This link is not valid');
  });

  it('works with Function URL events as AWS sends them: HTTPS, cookies apart, a base64 form body', async () => {
    const handler = createHandler(harness.runtime.deps);
    const event = (method: string, path: string, extra: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 => ({
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers: {
        host: 'abc123.lambda-url.eu-west-1.on.aws',
        'x-forwarded-proto': 'https',
        'content-type': 'application/x-www-form-urlencoded',
      },
      requestContext: {
        accountId: 'anonymous',
        apiId: 'abc123',
        domainName: 'abc123.lambda-url.eu-west-1.on.aws',
        domainPrefix: 'abc123',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
        requestId: 'r1',
        routeKey: '$default',
        stage: '$default',
        time: '',
        timeEpoch: 0,
      },
      isBase64Encoded: false,
      ...extra,
    });
    const page = await handler(event('GET', '/'));
    expect(page.statusCode).toBe(200);
    const cookie = page.cookies?.[0] ?? '';
    expect(cookie).toMatch(/^__Host-na_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(String(page.body))![1]!;
    const form = new URLSearchParams([
      ['csrf', csrf],
      ['email', 'aws@example.org'],
      ['topics', 'talks'],
      ['cadence', 'instant'],
    ]).toString();
    const posted = await handler(
      event('POST', '/subscribe', {
        cookies: [cookie.split(';')[0]!],
        body: Buffer.from(form).toString('base64'),
        isBase64Encoded: true,
        headers: {
          host: 'abc123.lambda-url.eu-west-1.on.aws',
          'x-forwarded-proto': 'https',
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://abc123.lambda-url.eu-west-1.on.aws',
        },
      }),
    );
    expect(posted.statusCode).toBe(303);
    // Links in the email use the deployment's public base (here the local runtime's URL).
    const mail = (await harness.outbox()).find((m) => m.to === 'aws@example.org');
    expect(mail).toBeDefined();
  });

  it('puts the status page behind the operator token (Basic auth)', async () => {
    const anonymous = await fetch(`${harness.url}/status`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const wrong = await fetch(`${harness.url}/status`, {
      headers: { authorization: `Basic ${Buffer.from('operator:nope').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    const page = await fetch(`${harness.url}/status`, {
      headers: { authorization: `Basic ${Buffer.from(`operator:${harness.runtime.secrets.admin.current}`).toString('base64')}` },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h2 id="queues">Queues</h2>');
    expect(html).toMatch(/<th scope="row">webhook<\/th>/);
    expect(html).toContain('Recent stories by topic');
  });
});
