import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../../shared/core/problem.ts';
import { clientKey } from '../../../shared/subscriptions/rate-limits.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';
import { checkCsrf, issueCsrf } from '../../../shared/web/csrf.ts';
import { parseForm } from '../../../shared/web/form.ts';
import { oneLine } from '../../../shared/web/pages/form-parts.ts';
import { renderUnsubscribeConfirmPage, renderUnsubscribedPage } from '../../../shared/web/pages/unsubscribe-page.ts';

const keys = createKeyRing({ current: 'csrf-secret-csrf-secret-csrf-secret-123' });
const origins = ['http://127.0.0.1:3000'];

function browser(cookieHeader: string | undefined, headers: Record<string, string> = {}) {
  const cookies: Record<string, string> = {};
  if (cookieHeader) {
    const [name, value] = cookieHeader.split(';')[0]!.split('=') as [string, string];
    cookies[name] = value;
  }
  return { headers, cookies };
}

describe('CSRF', () => {
  it('accepts the field issued with the cookie, from our own origin', () => {
    const issued = issueCsrf(browser(undefined), keys);
    expect(issued.setCookie).toMatch(/^na_csrf=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const request = browser(issued.setCookie, { origin: origins[0]!, 'sec-fetch-site': 'same-origin' });
    expect(checkCsrf(request, issued.token, keys, origins)).toEqual({ ok: true });
    // The browser keeps its cookie: the next page reuses it.
    expect(issueCsrf(request, keys)).toEqual({ token: issued.token });
  });

  it('refuses a missing or foreign cookie, a wrong field, another site or origin', () => {
    const issued = issueCsrf(browser(undefined), keys);
    const other = issueCsrf(browser(undefined), keys);
    expect(checkCsrf(browser(undefined), issued.token, keys, origins).ok).toBe(false);
    expect(checkCsrf(browser(other.setCookie), issued.token, keys, origins).ok).toBe(false);
    expect(checkCsrf(browser(issued.setCookie), undefined, keys, origins).ok).toBe(false);
    expect(
      checkCsrf(browser(issued.setCookie), issued.token, createKeyRing({ current: 'another-secret-another-secret-another' }), origins).ok,
    ).toBe(false);
    expect(checkCsrf(browser(issued.setCookie, { 'sec-fetch-site': 'cross-site' }), issued.token, keys, origins).ok).toBe(false);
    expect(checkCsrf(browser(issued.setCookie, { 'sec-fetch-site': 'same-site' }), issued.token, keys, origins).ok).toBe(false);
    expect(checkCsrf(browser(issued.setCookie, { origin: 'https://evil.example' }), issued.token, keys, origins).ok).toBe(false);
  });

  it('uses a __Host- cookie marked Secure over HTTPS', () => {
    const issued = issueCsrf(browser(undefined, { 'x-forwarded-proto': 'https' }), keys);
    expect(issued.setCookie).toMatch(/^__Host-na_csrf=.*; Secure$/);
  });
});

describe('form parsing', () => {
  const form = (body: string, type = 'application/x-www-form-urlencoded') => ({ headers: { 'content-type': type }, body });

  it('reads every value of repeated fields', () => {
    const fields = parseForm(form('topics=a&topics=b&email=x%40y.org'));
    expect(fields.getAll('topics')).toEqual(['a', 'b']);
    expect(fields.get('email')).toBe('x@y.org');
    expect(fields.get('missing')).toBeUndefined();
  });

  it('refuses other media types, oversized forms, too many fields and long values', () => {
    const kind = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof ProblemError ? error.kind : 'other';
      }
      return 'none';
    };
    expect(kind(() => parseForm(form('a=b', 'multipart/form-data')))).toBe('unsupported-media-type');
    expect(kind(() => parseForm(form(`a=${'x'.repeat(17_000)}`)))).toBe('too-large');
    expect(kind(() => parseForm(form(Array.from({ length: 65 }, (_, i) => `f${i}=1`).join('&'))))).toBe('bad-form');
    expect(kind(() => parseForm(form(`a=${'x'.repeat(2049)}`)))).toBe('bad-form');
  });
});

describe('client addresses for rate limits', () => {
  it('counts an IPv6 client by its /64 and IPv4 by its address', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb::7'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('garbage')).toBe('unknown');
  });
});

describe('topic descriptions on the form', () => {
  it('keeps the first clause', () => {
    expect(oneLine('International, economic or political sanctions: imposed, extended. Not sports.')).toBe(
      'International, economic or political sanctions',
    );
    expect(oneLine('The item reports on a meeting of a UN body: more')).toBe('Reports on a meeting of a UN body');
    expect(oneLine(undefined)).toBe('');
  });
});

describe('unsubscribe pages', () => {
  it('escape what is unsubscribed and the form action', () => {
    const what = 'emails to "<script>alert(1)</script>"@example.org & more';

    const confirm = renderUnsubscribeConfirmPage({ what, actionUrl: '/unsubscribe?token=a&b="x"' });
    const done = renderUnsubscribedPage({ what });

    for (const page of [confirm, done]) {
      expect(page).not.toContain('<script>');
      expect(page).toContain('emails to &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@example.org &amp; more');
    }
    expect(confirm).toContain('<form method="post" action="/unsubscribe?token=a&amp;b=&quot;x&quot;">');
  });
});
