import { describe, expect, it } from 'vitest';
import { rawHtml } from '../../../shared/html/html.ts';
import { html, joinHtml, renderEmailLayout, safeLink } from '../../../shared/html/index.ts';

const hostile = '<script>alert("x")</script> & \'y\'';
const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;';

describe('html templates', () => {
  it('escapes interpolated text, not nested templates or raw markup', () => {
    expect(html`<p title="${hostile}">${hostile}</p>`.value).toBe(`<p title="${escaped}">${escaped}</p>`);
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${rawHtml('<b>ok</b>')}${false}${null}${undefined}${0}`.value).toBe('<b>ok</b>0');
  });

  it('joins the values that render to something, escaping text and separators given as text', () => {
    expect(joinHtml([hostile, '', undefined, false, html`<b>x</b>`, 3], html` &middot; `).value).toBe(
      `${escaped} &middot; <b>x</b> &middot; 3`,
    );
    expect(joinHtml(['a', 'b'], ' & ').value).toBe('a &amp; b');
    expect(joinHtml([null, ''], '\n').value).toBe('');
  });

  it('makes links only of http(s) URLs', () => {
    expect(safeLink('javascript:alert(1)')).toBeUndefined();
    expect(safeLink('data:text/html,x')).toBeUndefined();
    expect(safeLink('https://example.org/a b')).toBe('https://example.org/a%20b');
    expect(safeLink(null)).toBeUndefined();
  });
});

describe('renderEmailLayout', () => {
  it('escapes the title and the preheader, cuts the preheader, and inserts content and footer as written', () => {
    const email = renderEmailLayout({
      title: hostile,
      preheader: `${hostile} ${'x'.repeat(200)}`,
      content: html`<p>${hostile}</p>`,
      footer: html`<a href="${'https://example.org/?a=1&b=2'}">Unsubscribe</a>`,
    });

    expect(email).not.toContain('<script>');
    expect(email).toContain(`<title>${escaped}</title>`);
    const preheader = /<div style="display:none;max-height:0;overflow:hidden">(.*?)<\/div>/.exec(email)?.[1];
    expect(preheader?.startsWith(escaped)).toBe(true);
    expect(preheader?.endsWith('x…')).toBe(true);
    expect(email).toContain(`<p>${escaped}</p>`);
    expect(email).toContain('<a href="https://example.org/?a=1&amp;b=2">Unsubscribe</a>');
    expect(email).toMatch(/^<!doctype html>\n<html lang="en">/);
  });

  it('leaves the preheader and the footer row out when there are none', () => {
    const email = renderEmailLayout({ title: 'Confirm', content: html`<p>Hello</p>` });

    expect(email).not.toContain('display:none');
    expect(email).not.toContain('border-top');
    expect(email).toContain('<tr><td class="content"');
    expect(email).toContain('\n<p>Hello</p>\n</td></tr>\n</table>\n');
  });
});
