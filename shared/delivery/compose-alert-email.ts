import type { OutgoingEmail } from '../mail/ports.ts';
import type { DeliveryMessage } from '../messages/schemas.ts';
import { alsoReportedBy } from './also-reported-by.ts';
import { deliveryId } from './delivery-id.ts';
import {
  addressOf,
  domainOf,
  emailShell,
  footerHtml,
  footerTextLines,
  formatDate,
  singleLine,
  truncate,
  unsubscribeFor,
  type Unsubscribe,
  type UnsubscribeOptions,
} from './email-parts.ts';
import { escapeHtml, safeHttpUrl } from './escape-html.ts';
import { matchedTexts } from './webhook-payload.ts';

export type ComposeAlertEmailOptions = UnsubscribeOptions;

const SUBJECT_PREFIX = '[news-alerts]';
const SUBJECT_TITLE_LIMIT = 180;
const FOOTER = 'You receive this because you subscribed to these topics on news-alerts.';

/**
 * The email of one instant alert: HTML (one column, inline styles, no images, every piece of item
 * text escaped) and plain text, showing the story, its source and link, and which topics and words
 * matched. With an unsubscribe base URL and secret it carries RFC 8058 one-click unsubscribe
 * headers for its channel (`List-Unsubscribe` with https and mailto, `List-Unsubscribe-Post`).
 * The Message-ID is stable per delivery, so a resend is recognisably the same message.
 */
export function composeAlertEmail(message: DeliveryMessage, options: ComposeAlertEmailOptions): OutgoingEmail {
  if (message.channel.kind !== 'email') {
    throw new TypeError(`alert email failed: channel is ${message.channel.kind} (delivery ${message.deliveryKey})`);
  }
  const unsubscribe = unsubscribeFor(message.subscriberId, message.channel.channelId, options);
  const view = viewOf(message);
  return {
    from: options.from,
    to: message.channel.address,
    subject: `${SUBJECT_PREFIX} ${truncate(singleLine(view.title), SUBJECT_TITLE_LIMIT)}`,
    text: renderText(view, unsubscribe),
    html: renderHtml(view, unsubscribe),
    messageId: `<${deliveryId(message.deliveryKey)}@${domainOf(addressOf(options.from))}>`,
    headers: unsubscribe ? { ...unsubscribe.headers } : {},
  };
}

interface AlertView {
  title: string;
  link: string | undefined;
  source: string;
  published: string | undefined;
  summary: string;
  topics: { label: string; score: number; matched: string[] }[];
  others: { source: string; link: string | undefined }[];
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
    others: alsoReportedBy(message).map((other) => ({ source: other.source, link: safeHttpUrl(other.link) })),
  };
}

function whyLine(topic: AlertView['topics'][number]): string {
  const matched = topic.matched.length > 0 ? ` — matched: ${topic.matched.join(', ')}` : '';
  return `${topic.label} (score ${topic.score.toFixed(2)})${matched}`;
}

function renderText(view: AlertView, unsubscribe: Unsubscribe | undefined): string {
  const lines = [view.title, ''];
  const byline = [view.source, view.published].filter(Boolean).join(' · ');
  if (byline) lines.push(byline);
  if (view.link) lines.push(view.link);
  if (view.summary) lines.push('', view.summary);
  if (view.others.length > 0) lines.push('', `Also reported by ${view.others.map((o) => o.source).join(', ')}`);
  lines.push('', 'Why you got this:', ...view.topics.map((topic) => `- ${whyLine(topic)}`));
  lines.push('', '-- ', FOOTER);
  lines.push(...footerTextLines(unsubscribe));
  return `${lines.join('\n')}\n`;
}

function renderHtml(view: AlertView, unsubscribe: Unsubscribe | undefined): string {
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
  const content = [
    `<p style="margin:0 0 8px 0;font-size:13px;color:#52525b;text-transform:uppercase;letter-spacing:0.04em">${labels}</p>`,
    `<h1 style="margin:0 0 8px 0;font-size:22px;line-height:1.3">${heading}</h1>`,
    byline ? `<p style="margin:0 0 16px 0;font-size:14px;color:#52525b">${byline}</p>` : '',
    view.summary ? `<p style="margin:0 0 16px 0">${escapeHtml(view.summary)}</p>` : '',
    view.link ? `<p style="margin:0 0 16px 0"><a href="${escapeHtml(view.link)}" style="color:#0b57d0">Read the full story</a></p>` : '',
    view.others.length > 0 ? `<p style="margin:0 0 16px 0;font-size:14px;color:#52525b">Also reported by ${view.others.map(otherHtml).join(', ')}</p>` : '',
    '<p style="margin:16px 0 4px 0;font-size:14px;font-weight:bold">Why you got this</p>',
    `<ul style="margin:0;padding:0 0 0 20px;font-size:14px;color:#3f3f46">${why}</ul>`,
  ]
    .filter(Boolean)
    .join('\n');
  return emailShell({
    title: view.title,
    preheader: view.summary || view.title,
    contentHtml: content,
    footerHtml: footerHtml(FOOTER, unsubscribe?.url, unsubscribe?.manageUrl),
  });
}

function otherHtml(other: { source: string; link: string | undefined }): string {
  const name = escapeHtml(other.source);
  return other.link ? `<a href="${escapeHtml(other.link)}" style="color:#52525b">${name}</a>` : name;
}
