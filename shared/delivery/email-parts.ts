import { createManageToken, createUnsubscribeToken, type KeyRing } from '../subscriptions/tokens/index.ts';
import { escapeHtml } from './escape-html.ts';

/**
 * Pieces shared by the alert and digest emails: the RFC 8058 unsubscribe headers and links, the
 * responsive one-column HTML shell (tables and inline styles, readable without images and in
 * dark-mode clients that keep light colours), and small text helpers.
 */

export interface UnsubscribeOptions {
  /** The sender (`MAIL_FROM`), e.g. `News Alerts <alerts@example.org>`: the mailto target. */
  from: string;
  /** Base of the unsubscribe link (`PUBLIC_BASE_URL`); without it there is no List-Unsubscribe. */
  publicBaseUrl?: string | undefined;
  /** The token key ring (its current key signs); without it there is no List-Unsubscribe. */
  tokenKeys?: KeyRing | undefined;
}

export interface Unsubscribe {
  /** The https link (GET shows a confirmation page, POST unsubscribes at once). */
  url: string;
  headers: Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string>;
  /** The subscriber's manage page (change topics, cadence, pause): a signed link in every email. */
  manageUrl: string;
}

/**
 * The unsubscribe link of one channel and its headers: `List-Unsubscribe` with the https link
 * and a mailto carrying the same token, and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
 * (RFC 8058), so mailbox providers show their own unsubscribe button and POST to the link.
 */
export function unsubscribeFor(subscriberId: string, channelId: string, options: UnsubscribeOptions): Unsubscribe | undefined {
  if (!options.publicBaseUrl || !options.tokenKeys) return undefined;
  const token = createUnsubscribeToken({ subscriberId, channelId }, options.tokenKeys);
  const url = new URL('unsubscribe', options.publicBaseUrl.endsWith('/') ? options.publicBaseUrl : `${options.publicBaseUrl}/`);
  url.searchParams.set('token', token);
  const mailto = `mailto:${addressOf(options.from)}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
  const manage = new URL('manage', url);
  manage.searchParams.set('token', createManageToken(subscriberId, options.tokenKeys));
  return {
    url: url.href,
    manageUrl: manage.href,
    headers: { 'List-Unsubscribe': `<${url.href}>, <${mailto}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

export const EMAIL_FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/**
 * The HTML document around an email's content: a centred 600px card that becomes full width on
 * phones, a hidden preheader (the inbox preview line), and the footer with the unsubscribe link.
 * `contentHtml` and `footerHtml` must already be escaped.
 */
export function emailShell(input: { title: string; preheader: string; contentHtml: string; footerHtml: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(input.title)}</title>
<style>@media (max-width: 620px) { .container { width: 100% !important; } .content { padding: 16px !important; } }</style>
</head>
<body style="margin:0;padding:0;background:#f4f4f5">
<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(truncate(input.preheader, 140))}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background:#ffffff;border:1px solid #e4e4e7;border-radius:6px">
<tr><td class="content" style="padding:24px;${EMAIL_FONT};font-size:16px;line-height:1.5;color:#18181b">
${input.contentHtml}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e4e4e7;${EMAIL_FONT};font-size:12px;line-height:1.5;color:#71717a">
${input.footerHtml}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

/** The footer sentence and, when there are, the manage and unsubscribe links (HTML). */
export function footerHtml(reason: string, unsubscribeUrl: string | undefined, manageUrl?: string): string {
  const manage = manageUrl ? ` <a href="${escapeHtml(manageUrl)}" style="color:#52525b">Manage your subscription</a>.` : '';
  const link = unsubscribeUrl ? ` <a href="${escapeHtml(unsubscribeUrl)}" style="color:#52525b">Unsubscribe</a>.` : '';
  return `${escapeHtml(reason)}${manage}${link}`;
}

/** The plain-text footer links. */
export function footerTextLines(unsubscribe: Pick<Unsubscribe, 'url' | 'manageUrl'> | undefined): string[] {
  return unsubscribe ? [`Manage your subscription: ${unsubscribe.manageUrl}`, `Unsubscribe: ${unsubscribe.url}`] : [];
}

/** The bare address of `Name <a@b>` or `a@b`. */
export function addressOf(from: string): string {
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
  return (angled?.[1] ?? from).trim();
}

/** The domain of an address, for Message-IDs. */
export function domainOf(address: string): string {
  const domain = address.split('@')[1]?.replace(/[^A-Za-z0-9.-]/g, '');
  return domain || 'news-alerts.invalid';
}

export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`;
}

/** `2025-02-24 15:04 UTC`, or the input when it is not a date. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
