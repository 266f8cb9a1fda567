import type { OutgoingEmail } from '../mail/ports.ts';
import type { DeliveryMessage } from '../messages/schemas.ts';
import { deliveryId } from './delivery-id.ts';
import { escapeHtml, safeHttpUrl } from './escape-html.ts';
import { createUnsubscribeToken } from './unsubscribe-token.ts';
import { matchedTexts } from './webhook-payload.ts';

export interface ComposeAlertEmailOptions {
  /** The sender (`MAIL_FROM`), e.g. `News Alerts <alerts@example.org>`. */
  from: string;
  /** Base of the unsubscribe link (`PUBLIC_BASE_URL`); without it there is no List-Unsubscribe. */
  publicBaseUrl?: string | undefined;
  /** Key of unsubscribe tokens (proposed `UNSUBSCRIBE_SECRET`); without it there is no List-Unsubscribe. */
  unsubscribeSecret?: string | undefined;
}

const SUBJECT_PREFIX = '[news-alerts]';
const SUBJECT_TITLE_LIMIT = 180;

/**
 * The email of one instant alert: HTML (one column, inline styles, no images, every piece of item
 * text escaped) and plain text, showing the story, its source and link, and which topics and words
 * matched. With an unsubscribe base URL and secret it carries RFC 8058 one-click unsubscribe
 * headers (`List-Unsubscribe` with https and mailto, `List-Unsubscribe-Post`). The Message-ID is
 * stable per delivery, so a resend is recognisably the same message.
 */
export function composeAlertEmail(message: DeliveryMessage, options: ComposeAlertEmailOptions): OutgoingEmail {
  if (message.channel.kind !== 'email') {
    throw new TypeError(`alert email failed: channel is ${message.channel.kind} (delivery ${message.deliveryKey})`);
  }
  const fromAddress = addressOf(options.from);
  const unsubscribe = unsubscribeLink(message.subscriberId, options);
  const unsubscribeUrl = unsubscribe?.url;
  const headers: Record<string, string> = {};
  if (unsubscribe) {
    // The mailto form carries the same token, so a mailbox processor can honour it just as safely.
    const mailto = `mailto:${fromAddress}?subject=${encodeURIComponent(`unsubscribe ${unsubscribe.token}`)}`;
    headers['List-Unsubscribe'] = `<${unsubscribe.url}>, <${mailto}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const view = viewOf(message);
  return {
    from: options.from,
    to: message.channel.address,
    subject: `${SUBJECT_PREFIX} ${truncate(singleLine(view.title), SUBJECT_TITLE_LIMIT)}`,
    text: renderText(view, unsubscribeUrl),
    html: renderHtml(view, unsubscribeUrl),
    messageId: `<${deliveryId(message.deliveryKey)}@${domainOf(fromAddress)}>`,
    headers,
  };
}

interface AlertView {
  title: string;
  link: string | undefined;
  source: string;
  published: string | undefined;
  summary: string;
  topics: { label: string; score: number; matched: string[] }[];
}

function viewOf(message: DeliveryMessage): AlertView {
  const { item } = message;
  return {
    title: item.title.trim() || '(untitled)',
    link: safeHttpUrl(item.link),
    source: item.source.trim(),
    published: item.published ? formatDate(item.published) : undefined,
    summary: item.summary.trim(),
    topics: message.topics.map((match) => ({ label: match.label, score: match.score, matched: matchedTexts(match.matched) })),
  };
}

function whyLine(topic: AlertView['topics'][number]): string {
  const matched = topic.matched.length > 0 ? ` — matched: ${topic.matched.join(', ')}` : '';
  return `${topic.label} (score ${topic.score.toFixed(2)})${matched}`;
}

function renderText(view: AlertView, unsubscribeUrl: string | undefined): string {
  const lines = [view.title, ''];
  const byline = [view.source, view.published].filter(Boolean).join(' · ');
  if (byline) lines.push(byline);
  if (view.link) lines.push(view.link);
  if (view.summary) lines.push('', view.summary);
  lines.push('', 'Why you got this:', ...view.topics.map((topic) => `- ${whyLine(topic)}`));
  lines.push('', '-- ', 'You receive this because you subscribed to these topics on news-alerts.');
  if (unsubscribeUrl) lines.push(`Unsubscribe: ${unsubscribeUrl}`);
  return `${lines.join('\n')}\n`;
}

const font = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function renderHtml(view: AlertView, unsubscribeUrl: string | undefined): string {
  const title = escapeHtml(view.title);
  const heading = view.link ? `<a href="${escapeHtml(view.link)}" style="color:#0b57d0;text-decoration:none">${title}</a>` : title;
  const byline = [view.source, view.published].filter(Boolean).map((part) => escapeHtml(part!)).join(' &middot; ');
  const labels = view.topics.map((topic) => escapeHtml(topic.label)).join(' &middot; ');
  const why = view.topics
    .map((topic) => {
      const matched = topic.matched.length > 0 ? ` &mdash; matched: ${topic.matched.map(escapeHtml).join(', ')}` : '';
      return `<li style="margin:0 0 4px 0"><strong>${escapeHtml(topic.label)}</strong> (score ${topic.score.toFixed(2)})${matched}</li>`;
    })
    .join('');
  const unsubscribe = unsubscribeUrl
    ? ` <a href="${escapeHtml(unsubscribeUrl)}" style="color:#52525b">Unsubscribe</a>.`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<style>@media (max-width: 620px) { .container { width: 100% !important; } .content { padding: 16px !important; } }</style>
</head>
<body style="margin:0;padding:0;background:#f4f4f5">
<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(truncate(view.summary || view.title, 140))}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background:#ffffff;border:1px solid #e4e4e7;border-radius:6px">
<tr><td class="content" style="padding:24px;${font};font-size:16px;line-height:1.5;color:#18181b">
<p style="margin:0 0 8px 0;font-size:13px;color:#52525b;text-transform:uppercase;letter-spacing:0.04em">${labels}</p>
<h1 style="margin:0 0 8px 0;font-size:22px;line-height:1.3">${heading}</h1>
${byline ? `<p style="margin:0 0 16px 0;font-size:14px;color:#52525b">${byline}</p>` : ''}
${view.summary ? `<p style="margin:0 0 16px 0">${escapeHtml(view.summary)}</p>` : ''}
${view.link ? `<p style="margin:0 0 16px 0"><a href="${escapeHtml(view.link)}" style="color:#0b57d0">Read the full story</a></p>` : ''}
<p style="margin:16px 0 4px 0;font-size:14px;font-weight:bold">Why you got this</p>
<ul style="margin:0;padding:0 0 0 20px;font-size:14px;color:#3f3f46">${why}</ul>
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e4e4e7;${font};font-size:12px;line-height:1.5;color:#71717a">
You receive this because you subscribed to these topics on news-alerts.${unsubscribe}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

function unsubscribeLink(subscriberId: string, options: ComposeAlertEmailOptions): { url: string; token: string } | undefined {
  if (!options.publicBaseUrl || !options.unsubscribeSecret) return undefined;
  const token = createUnsubscribeToken(subscriberId, options.unsubscribeSecret);
  const url = new URL('unsubscribe', options.publicBaseUrl.endsWith('/') ? options.publicBaseUrl : `${options.publicBaseUrl}/`);
  url.searchParams.set('token', token);
  return { url: url.href, token };
}

/** The bare address of `Name <a@b>` or `a@b`. */
function addressOf(from: string): string {
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
  return (angled?.[1] ?? from).trim();
}

function domainOf(address: string): string {
  const domain = address.split('@')[1]?.replace(/[^A-Za-z0-9.-]/g, '');
  return domain || 'news-alerts.invalid';
}

function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`;
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
