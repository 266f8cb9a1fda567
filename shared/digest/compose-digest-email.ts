import { formatUtcMinute, singleLine, truncate } from '../core/display-text.ts';
import {
  alsoReportedBy,
  deliveryId,
  emailFooterHtml,
  emailFooterText,
  matchedTexts,
  unsubscribeFor,
  type Unsubscribe,
  type UnsubscribeOptions,
} from '../delivery/index.ts';
import { html, joinHtml, renderEmailLayout, safeLink, type SafeHtml } from '../html/index.ts';
import { messageIdFor } from '../mail/addresses.ts';
import type { OutgoingEmail } from '../mail/ports.ts';
import { zonedTime } from '../subscriptions/index.ts';
import type { DigestMessage, DigestStory } from './digest-message.ts';

export type ComposeDigestEmailOptions = UnsubscribeOptions;

const FOOTER = 'You receive this digest because you subscribed to these topics on news-alerts.';
const SUMMARY_LIMIT = 280;
const cadenceTitle = { hourly: 'Hourly', daily: 'Daily', weekly: 'Weekly' } as const;

/** One topic's section of the digest. */
export interface DigestGroup {
  topic: string;
  label: string;
  stories: DigestStory[];
}

/**
 * Groups a digest's stories by topic: each story once, under its best-scoring topic; stories
 * newest first within a group; groups with more stories first, then by label.
 */
export function groupDigestStories(stories: DigestStory[]): DigestGroup[] {
  const groups = new Map<string, DigestGroup>();
  for (const story of stories) {
    const best = [...story.topics].sort((a, b) => b.score - a.score)[0]!;
    let group = groups.get(best.topic);
    if (!group) {
      group = { topic: best.topic, label: best.label, stories: [] };
      groups.set(best.topic, group);
    }
    group.stories.push(story);
  }
  for (const group of groups.values()) group.stories.sort((a, b) => timeOf(b).localeCompare(timeOf(a)));
  return [...groups.values()].sort((a, b) => b.stories.length - a.stories.length || a.label.localeCompare(b.label));
}

/**
 * The digest email: stories grouped by topic, newest first, each once with the other outlets
 * that reported it ("also reported by"), why it matched, and "and N more" past the cap. HTML
 * (escaped, one column, no images) and plain text; RFC 8058 unsubscribe headers for the channel;
 * a Message-ID stable per digest window, so a resend is recognisably the same message.
 */
export function composeDigestEmail(message: DigestMessage, options: ComposeDigestEmailOptions): OutgoingEmail {
  const unsubscribe = unsubscribeFor(message.subscriberId, message.channel.channelId, options);
  const groups = groupDigestStories(message.stories);
  const total = message.stories.length + message.moreCount;
  const when = localDate(message.dueAt, message.timeZone);
  const heading = `${cadenceTitle[message.cadence]} digest · ${when}`;
  const subject = `[news-alerts] ${cadenceTitle[message.cadence]} digest: ${total} ${total === 1 ? 'story' : 'stories'} (${groups.map((g) => g.label).join(', ')})`;
  return {
    from: options.from,
    to: message.channel.address,
    subject: truncate(subject.replace(/\s+/g, ' '), 200),
    text: renderText(heading, groups, message.moreCount, unsubscribe),
    html: renderHtml(heading, groups, message.moreCount, unsubscribe),
    messageId: messageIdFor(deliveryId(message.deliveryKey), options.from),
    headers: unsubscribe ? { ...unsubscribe.headers } : {},
  };
}

function renderText(heading: string, groups: DigestGroup[], moreCount: number, unsubscribe: Unsubscribe | undefined): string {
  const lines = [heading, ''];
  for (const group of groups) {
    lines.push(`== ${group.label} (${group.stories.length}) ==`, '');
    for (const story of group.stories) {
      lines.push(`* ${singleLine(story.item.title) || '(untitled)'}`);
      const byline = [story.item.source.trim(), story.item.published ? formatUtcMinute(story.item.published) : '']
        .filter(Boolean)
        .join(' · ');
      if (byline) lines.push(`  ${byline}`);
      const link = safeLink(story.item.link);
      if (link) lines.push(`  ${link}`);
      const summary = singleLine(story.item.summary);
      if (summary) lines.push(`  ${truncate(summary, SUMMARY_LIMIT)}`);
      const others = alsoReportedBy(story);
      if (others.length > 0) lines.push(`  Also reported by ${others.map((o) => o.source).join(', ')}`);
      lines.push(`  Why: ${whyText(story)}`, '');
    }
  }
  if (moreCount > 0) lines.push(`… and ${moreCount} more ${moreCount === 1 ? 'story' : 'stories'} in this period.`, '');
  lines.push(...emailFooterText(FOOTER, unsubscribe));
  return `${lines.join('\n')}\n`;
}

function renderHtml(heading: string, groups: DigestGroup[], moreCount: number, unsubscribe: Unsubscribe | undefined): string {
  const sections = groups.map(
    (group) =>
      html`<h2 style="margin:24px 0 8px 0;font-size:13px;color:#52525b;text-transform:uppercase;letter-spacing:0.04em;border-bottom:1px solid #e4e4e7;padding-bottom:4px">${group.label} (${group.stories.length})</h2>
${joinHtml(group.stories.map(storyHtml), '\n')}`,
  );
  const more =
    moreCount > 0 &&
    html`<p style="margin:16px 0 0 0;font-size:14px;color:#52525b">&hellip; and ${moreCount} more ${moreCount === 1 ? 'story' : 'stories'} in this period.</p>`;
  const content = joinHtml([html`<h1 style="margin:0;font-size:20px;line-height:1.3">${heading}</h1>`, ...sections, more], '\n');
  const firstTitle = groups[0]?.stories[0]?.item.title ?? '';
  return renderEmailLayout({ title: heading, preheader: firstTitle, content, footer: emailFooterHtml(FOOTER, unsubscribe) });
}

const middot = html` &middot; `;

function storyHtml(story: DigestStory): SafeHtml {
  const title = singleLine(story.item.title) || '(untitled)';
  const link = safeLink(story.item.link);
  const heading = link ? html`<a href="${link}" style="color:#0b57d0;text-decoration:none">${title}</a>` : title;
  const byline = joinHtml([story.item.source.trim(), story.item.published && formatUtcMinute(story.item.published)], middot);
  const summary = singleLine(story.item.summary);
  const others = alsoReportedBy(story).map((other) => {
    const otherLink = safeLink(other.link);
    return otherLink ? html`<a href="${otherLink}" style="color:#52525b">${other.source}</a>` : html`${other.source}`;
  });
  return joinHtml(
    [
      html`<div style="margin:0 0 16px 0">`,
      html`<p style="margin:0 0 2px 0;font-size:16px;font-weight:bold;line-height:1.35">${heading}</p>`,
      byline.value && html`<p style="margin:0 0 4px 0;font-size:13px;color:#52525b">${byline}</p>`,
      summary && html`<p style="margin:0 0 4px 0;font-size:14px">${truncate(summary, SUMMARY_LIMIT)}</p>`,
      others.length > 0 && html`<p style="margin:0 0 4px 0;font-size:13px;color:#52525b">Also reported by ${joinHtml(others, ', ')}</p>`,
      html`<p style="margin:0;font-size:12px;color:#71717a">Why: ${whyText(story)}</p>`,
      html`</div>`,
    ],
    '\n',
  );
}

function whyText(story: DigestStory): string {
  return story.topics
    .map((match) => {
      const matched = matchedTexts(match.matched);
      return `${match.label} ${match.score.toFixed(2)}${matched.length > 0 ? ` (${matched.slice(0, 5).join(', ')})` : ''}`;
    })
    .join('; ');
}

function timeOf(story: DigestStory): string {
  return story.item.published ?? story.addedAt;
}

/** `Tuesday 25 February 2025` in the subscriber's zone. */
function localDate(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
      new Date(iso),
    );
  } catch {
    const local = zonedTime(new Date(iso), 'UTC');
    return `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
  }
}
