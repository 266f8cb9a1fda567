import { stripSpoofingCharacters } from '../core/display-text.ts';

/**
 * HTML by tagged template: every interpolated value is escaped unless it is already `SafeHtml`
 * (the result of another `html` template, of `joinHtml` or of `rawHtml`), so neither a page nor an
 * email can forget to escape subscriber or item text. The one place that escapes HTML; it also
 * drops the characters that spoof what a reader sees (bidi overrides, zero-width, controls).
 */

const replacements: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => replacements[char]!);
}

/** Markup that is already safe to insert as is. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** Marks trusted markup (never pass user input here). */
export function rawHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A value a template accepts: text (escaped), markup, lists of those, or nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeText(stripSpoofingCharacters(String(value)));
}

/** `html\`<p>${text}</p>\`` escapes `text`; `false`, `null` and `undefined` render as nothing. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/**
 * The values that render to something, each escaped like a template's, with `separator` (text,
 * escaped, or markup) between them: `joinHtml([source, date], html\` &middot; \`)`.
 */
export function joinHtml(values: readonly HtmlValue[], separator: SafeHtml | string): SafeHtml {
  return new SafeHtml(
    values
      .map(render)
      .filter((part) => part !== '')
      .join(render(separator)),
  );
}

/** The URL if it is http(s) (so `javascript:` and friends never become links), else undefined. */
export function safeLink(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
