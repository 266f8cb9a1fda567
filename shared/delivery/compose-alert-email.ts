import { formatUtcMinute, singleLine, truncate } from '../core/display-text.ts';
import { html, joinHtml, renderEmailLayout, safeLink, type SafeHtml } from '../html/index.ts';
import { messageIdFor } from '../mail/addresses.ts';
import type { OutgoingEmail } from '../mail/ports.ts';
import type { DeliveryMessage } from '../messages/schemas.ts';
import { alsoReportedBy } from './also-reported-by.ts';
import { deliveryId } from './delivery-id.ts';
import { emailFooterHtml, emailFooterText, unsubscribeFor, type Unsubscribe, type UnsubscribeOptions } from './email-footer.ts';
import { matchedTexts } from './webhook-payload.ts';

export type ComposeAlertEmailOptions = UnsubscribeOptions;

const SUBJECT_PREFIX = '[news-alerts]';
const SUBJECT_TITLE_LIMIT = 180;
const FOOTER = 'You receive this because you subscribed to these topics on news-alerts.';

/**
 * The email of one instant alert: HTML (the email layout, every piece of item text escaped by
 * the `html` template) and plain text, showing the story, its source and link, and which topics
 * and words matched. With an unsubscribe base URL and token keys it carries RFC 8058 one-click
 * unsubscribe headers for its channel (`List-Unsubscribe` with the https link,
 * `List-Unsubscribe-Post`). The Message-ID is stable per delivery, so a resend is recognisably
 * the same message.
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
    messageId: messageIdFor(deliveryId(message.deliveryKey), options.from),
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
    link: safeLink(item.link),
    source: item.source.trim(),
    published: item.published ? formatUtcMinute(item.published) : undefined,
    summary: item.summary.trim(),
    topics: message.topics.map((match) => ({ label: match.label, score: match.score, matched: matchedTexts(match.matched) })),
    others: alsoReportedBy(message).map((other) => ({ source: other.source, link: safeLink(other.link) })),
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
  lines.push('', ...emailFooterText(FOOTER, unsubscribe));
  return `${lines.join('\n')}\n`;
}

const middot = html` &middot; `;

function renderHtml(view: AlertView, unsubscribe: Unsubscribe | undefined): string {
  const heading = view.link ? html`<a href="${view.link}" style="color:#0b57d0;text-decoration:none">${view.title}</a>` : view.title;
  const byline = joinHtml([view.source, view.published], middot);
  const why = view.topics.map(
    (topic) =>
      html`<li style="margin:0 0 4px 0"><strong>${topic.label}</strong> (score ${topic.score.toFixed(2)})${
        topic.matched.length > 0 && html` &mdash; matched: ${topic.matched.join(', ')}`
      }</li>`,
  );
  const content = joinHtml(
    [
      html`<p style="margin:0 0 8px 0;font-size:13px;color:#52525b;text-transform:uppercase;letter-spacing:0.04em">${joinHtml(
        view.topics.map((topic) => topic.label),
        middot,
      )}</p>`,
      html`<h1 style="margin:0 0 8px 0;font-size:22px;line-height:1.3">${heading}</h1>`,
      byline.value && html`<p style="margin:0 0 16px 0;font-size:14px;color:#52525b">${byline}</p>`,
      view.summary && html`<p style="margin:0 0 16px 0">${view.summary}</p>`,
      view.link && html`<p style="margin:0 0 16px 0"><a href="${view.link}" style="color:#0b57d0">Read the full story</a></p>`,
      view.others.length > 0 &&
        html`<p style="margin:0 0 16px 0;font-size:14px;color:#52525b">Also reported by ${joinHtml(view.others.map(otherHtml), ', ')}</p>`,
      html`<p style="margin:16px 0 4px 0;font-size:14px;font-weight:bold">Why you got this</p>`,
      html`<ul style="margin:0;padding:0 0 0 20px;font-size:14px;color:#3f3f46">${why}</ul>`,
    ],
    '\n',
  );
  return renderEmailLayout({
    title: view.title,
    preheader: view.summary || view.title,
    content,
    footer: emailFooterHtml(FOOTER, unsubscribe),
  });
}

function otherHtml(other: AlertView['others'][number]): SafeHtml {
  return other.link ? html`<a href="${other.link}" style="color:#52525b">${other.source}</a>` : html`${other.source}`;
}
