import type { DeliveryMessage } from '../messages/schemas.ts';
import { safeHttpUrl } from './escape-html.ts';
import { matchedTexts } from './webhook-payload.ts';

/**
 * The Slack form of a delivery: a Block Kit message for an incoming webhook, with a plain `text`
 * fallback (notifications, clients without blocks). Slack's mrkdwn only needs `&`, `<` and `>`
 * escaped; escaping them also defuses hostile titles such as `<!channel>` or `<script>`.
 */

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  unfurl_links: boolean;
  unfurl_media: boolean;
}

export type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' };

/** Block Kit caps a section's text at 3,000 characters; we stay well inside. */
const SUMMARY_LIMIT = 600;
const TITLE_LIMIT = 300;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A `<url|label>` link. The url is kept only if it is http(s); `|`, `<`, `>` in it are
 * percent-encoded so it cannot end the link early, and `&` is escaped as Slack itself writes it
 * (`&amp;`, decoded back when the link is opened); the label is escaped.
 */
export function slackLink(url: string | null, label: string): string {
  const safeLabel = escapeSlack(label);
  const safeUrl = safeHttpUrl(url);
  if (safeUrl === undefined) return safeLabel;
  const encoded = safeUrl.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  return `<${encoded}|${safeLabel}>`;
}

/** Builds the Block Kit message of one delivery. */
export function buildSlackMessage(message: DeliveryMessage): SlackMessage {
  const { item } = message;
  const title = truncate(item.title.trim() || '(untitled)', TITLE_LIMIT);
  const byline = [item.source, item.published ? formatDate(item.published) : undefined].filter(Boolean).join(' · ');
  const reasons = message.topics.map((match) => {
    const matched = matchedTexts(match.matched);
    const why = matched.length > 0 ? ` — matched: ${matched.map(escapeSlack).join(', ')}` : '';
    return `*${escapeSlack(match.label)}* (${match.score.toFixed(2)})${why}`;
  });

  const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${slackLink(item.link, title)}*` } }];
  if (byline) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(byline) }] });
  const summary = item.summary.trim();
  if (summary) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(truncate(summary, SUMMARY_LIMIT)) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: reasons.join('\n') }] });

  const topicLabels = message.topics.map((match) => match.label).join(', ');
  return {
    text: escapeSlack(`[${topicLabels}] ${title}${item.source ? ` (${item.source})` : ''}`),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`;
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
