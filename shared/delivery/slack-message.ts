import { formatUtcMinute, singleLine, stripSpoofingCharacters, truncate } from '../core/display-text.ts';
import { safeLink } from '../html/index.ts';
import type { DeliveryMessage } from '../messages/schemas.ts';
import { matchedTexts } from './webhook-payload.ts';

/**
 * The Slack form of deliveries: a Block Kit message for an incoming webhook, with a plain `text`
 * fallback (notifications, clients without blocks). One story, or several when they queued up for
 * the same webhook (Slack allows one message per second per webhook). Feed text is untrusted:
 * {@link escapeSlack} escapes `&`, `<` and `>` (defusing `<!channel>`, `<@U…>` and `<script>`) and
 * neutralises the formatting marks, and every mrkdwn object is `verbatim` so Slack does not turn a
 * plain `@here` or `#channel` in a title into a mention or link. Every size stays inside Block
 * Kit's structural limits ({@link SLACK_LIMITS}), which {@link checkSlackLimits} verifies.
 */

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  unfurl_links: boolean;
  unfurl_media: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: SlackMrkdwn }
  | { type: 'context'; elements: SlackMrkdwn[] }
  | { type: 'divider' };

/** A mrkdwn text object; `verbatim` so Slack adds no links or mentions of its own. */
interface SlackMrkdwn {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}

/** Slack's documented limits for messages (and a margin under its undocumented total). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  contextElements: 10,
  contextElementText: 3000,
  headerText: 150,
  /** Slack truncates longer `text`; we keep the fallback short. */
  fallbackText: 3000,
  /** Sum of all block texts: Slack refuses messages near 13,000 (`msg_blocks_too_long`). */
  totalBlockText: 12_000,
} as const;

/** Most stories in one message: 5 blocks each plus a header stays far inside 50 blocks. */
export const MAX_STORIES_PER_SLACK_MESSAGE = 6;

const TITLE_LIMIT = 300;
const SUMMARY_LIMIT = 600;
const WHY_LIMIT = 600;
const ALSO_LIMIT = 400;

/** One story as the Slack message shows it. */
export interface SlackStory {
  item: DeliveryMessage['item'];
  topics: DeliveryMessage['topics'];
  /** Other outlets that reported the story. */
  alsoReportedBy?: { source: string; link: string | null }[];
}

/**
 * Slack's formatting marks and look-alikes that are not marks: mrkdwn has no escape character, so
 * untrusted text gets a character that looks the same and formats nothing (`*bold*` stays text).
 */
const FORMATTING_LOOKALIKES: Record<string, string> = { '*': '\u2217', _: '\u02CD', '~': '\u223C', '`': '\u02CB' };

/**
 * Untrusted text for mrkdwn: the three characters Slack treats as control characters escaped
 * (`&amp;`, `&lt;`, `&gt;`: no `<!channel>`, `<@U…>` or `<url|label>` can be written), the
 * formatting marks `*`, `_`, `~` and backtick replaced by look-alikes, and the characters that
 * spoof what a reader sees (bidi overrides, zero-width, controls) dropped.
 */
export function escapeSlack(text: string): string {
  return stripSpoofingCharacters(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (mark) => FORMATTING_LOOKALIKES[mark]!);
}

function mrkdwn(text: string): SlackMrkdwn {
  return { type: 'mrkdwn', text, verbatim: true };
}

/**
 * A `<url|label>` link. The url is kept only if it is http(s); `|`, `<`, `>` in it are
 * percent-encoded so it cannot end the link early, and `&` is escaped as Slack itself writes it
 * (`&amp;`, decoded back when the link is opened); the label is escaped.
 */
export function slackLink(url: string | null, label: string): string {
  const safeLabel = escapeSlack(label);
  const safeUrl = safeLink(url);
  if (safeUrl === undefined) return safeLabel;
  const encoded = safeUrl.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  return `<${encoded}|${safeLabel}>`;
}

/** Builds the Block Kit message of one delivery. */
export function buildSlackMessage(message: DeliveryMessage | SlackStory): SlackMessage {
  return buildSlackBatchMessage([message]);
}

/**
 * Builds one Block Kit message for several stories (at most
 * {@link MAX_STORIES_PER_SLACK_MESSAGE}; more is a programming error).
 */
export function buildSlackBatchMessage(stories: SlackStory[]): SlackMessage {
  if (stories.length === 0 || stories.length > MAX_STORIES_PER_SLACK_MESSAGE) {
    throw new RangeError(`slack message failed: ${stories.length} stories, expected 1–${MAX_STORIES_PER_SLACK_MESSAGE}`);
  }
  const blocks: SlackBlock[] = [];
  if (stories.length > 1) {
    blocks.push({ type: 'header', text: { type: 'plain_text', text: `${stories.length} new stories on your topics`, emoji: false } });
  }
  stories.forEach((story, index) => {
    if (index > 0) blocks.push({ type: 'divider' });
    blocks.push(...storyBlocks(story));
  });

  const titles = stories.map((story) => titleOf(story));
  const fallback =
    stories.length === 1
      ? `[${stories[0]!.topics.map((match) => match.label).join(', ')}] ${titles[0]}${stories[0]!.item.source ? ` (${stories[0]!.item.source})` : ''}`
      : `${stories.length} new stories: ${titles.join(' · ')}`;
  const message: SlackMessage = {
    text: truncate(escapeSlack(fallback), SLACK_LIMITS.fallbackText),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
  return fitTotal(message);
}

function storyBlocks(story: SlackStory): SlackBlock[] {
  const { item } = story;
  const byline = [item.source, item.published ? formatUtcMinute(item.published) : undefined].filter(Boolean).join(' · ');
  const reasons = story.topics.map((match) => {
    const matched = matchedTexts(match.matched);
    const why = matched.length > 0 ? ` — matched: ${matched.map(escapeSlack).join(', ')}` : '';
    return `*${escapeSlack(match.label)}* (${match.score.toFixed(2)})${why}`;
  });
  const blocks: SlackBlock[] = [{ type: 'section', text: mrkdwn(`*${slackLink(item.link, titleOf(story))}*`) }];
  if (byline) blocks.push({ type: 'context', elements: [mrkdwn(escapeSlack(truncate(byline, 200)))] });
  const summary = singleLine(item.summary);
  if (summary) blocks.push({ type: 'section', text: mrkdwn(escapeSlack(truncate(summary, SUMMARY_LIMIT))) });
  const context = [mrkdwn(truncateEscaped(reasons.join('\n'), WHY_LIMIT))];
  const others = (story.alsoReportedBy ?? []).filter((other) => other.source.trim() !== '');
  if (others.length > 0) {
    const list = others.map((other) => slackLink(other.link, truncate(other.source.trim(), 80)));
    context.push(mrkdwn(truncateEscaped(`Also reported by ${list.join(', ')}`, ALSO_LIMIT)));
  }
  blocks.push({ type: 'context', elements: context });
  return blocks;
}

function titleOf(story: SlackStory): string {
  return truncate(singleLine(story.item.title) || '(untitled)', TITLE_LIMIT);
}

/** Shortens the longest texts (summaries first) until the message's total fits. */
function fitTotal(message: SlackMessage): SlackMessage {
  while (totalBlockText(message.blocks) > SLACK_LIMITS.totalBlockText) {
    const longest = message.blocks
      .filter((block): block is Extract<SlackBlock, { type: 'section' }> => block.type === 'section')
      .sort((a, b) => b.text.text.length - a.text.text.length)[0];
    if (!longest || longest.text.text.length <= 100) break;
    longest.text.text = truncateEscaped(longest.text.text, Math.floor(longest.text.text.length / 2));
  }
  return message;
}

function totalBlockText(blocks: SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === 'section' || block.type === 'header') total += block.text.text.length;
    if (block.type === 'context') for (const element of block.elements) total += element.text.length;
  }
  return total;
}

/**
 * The Block Kit structural rules this message breaks (empty when it is fine): block count,
 * text lengths, context elements, empty texts. Used by tests and as a guard before sending.
 */
export function checkSlackLimits(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (message.text.length === 0) problems.push('text fallback is empty');
  if (message.text.length > SLACK_LIMITS.fallbackText) problems.push(`text is ${message.text.length} characters`);
  if (message.blocks.length > SLACK_LIMITS.blocks) problems.push(`${message.blocks.length} blocks`);
  message.blocks.forEach((block, i) => {
    if (block.type === 'section') {
      if (block.text.text.length === 0) problems.push(`block ${i}: empty section`);
      if (block.text.text.length > SLACK_LIMITS.sectionText)
        problems.push(`block ${i}: section text is ${block.text.text.length} characters`);
    }
    if (block.type === 'header' && block.text.text.length > SLACK_LIMITS.headerText) {
      problems.push(`block ${i}: header text is ${block.text.text.length} characters`);
    }
    if (block.type === 'context') {
      if (block.elements.length === 0 || block.elements.length > SLACK_LIMITS.contextElements) {
        problems.push(`block ${i}: context has ${block.elements.length} elements`);
      }
      for (const element of block.elements) {
        if (element.text.length === 0 || element.text.length > SLACK_LIMITS.contextElementText) {
          problems.push(`block ${i}: context element text is ${element.text.length} characters`);
        }
      }
    }
  });
  const total = totalBlockText(message.blocks);
  if (total > SLACK_LIMITS.totalBlockText) problems.push(`blocks hold ${total} characters in all`);
  return problems;
}

/** Truncates already-escaped mrkdwn without cutting an entity (`&amp;`) or a link (`<…|…>`) in half. */
function truncateEscaped(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = text.slice(0, limit - 1);
  const openLink = cut.lastIndexOf('<');
  if (openLink > cut.lastIndexOf('>')) cut = cut.slice(0, openLink);
  const amp = cut.lastIndexOf('&');
  if (amp > -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut.trimEnd()}…`;
}
