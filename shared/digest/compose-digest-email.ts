import { alsoReportedBy } from '../delivery/also-reported-by.ts';
import { deliveryId } from '../delivery/delivery-id.ts';
import {
  addressOf,
  domainOf,
  emailShell,
  footerHtml,
  footerTextLines,
  truncate,
  unsubscribeFor,
  type Unsubscribe,
  type UnsubscribeOptions,
} from '../delivery/email-parts.ts';
import { escapeHtml, safeHttpUrl } from '../delivery/escape-html.ts';
import { matchedTexts } from '../delivery/webhook-payload.ts';
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
    messageId: `<${deliveryId(message.deliveryKey)}@${domainOf(addressOf(options.from))}>`,
    headers: unsubscribe ? { ...unsubscribe.headers } : {},
  };
}

function renderText(heading: string, groups: DigestGroup[], moreCount: number, unsubscribe: Unsubscribe | undefined): string {
  const lines = [heading, ''];
  for (const group of groups) {
    lines.push(`== ${group.label} (${group.stories.length}) ==`, '');
    for (const story of group.stories) {
      lines.push(`* ${oneLine(story.item.title) || '(untitled)'}`);
      const byline = [story.item.source.trim(), story.item.published ? shortDate(story.item.published) : ''].filter(Boolean).join(' · ');
      if (byline) lines.push(`  ${byline}`);
      const link = safeHttpUrl(story.item.link);
      if (link) lines.push(`  ${link}`);
      const summary = oneLine(story.item.summary);
      if (summary) lines.push(`  ${truncate(summary, SUMMARY_LIMIT)}`);
      const others = alsoReportedBy(story);
      if (others.length > 0) lines.push(`  Also reported by ${others.map((o) => o.source).join(', ')}`);
      lines.push(`  Why: ${whyText(story)}`, '');
    }
  }
  if (moreCount > 0) lines.push(`… and ${moreCount} more ${moreCount === 1 ? 'story' : 'stories'} in this period.`, '');
  lines.push('-- ', FOOTER);
  lines.push(...footerTextLines(unsubscribe));
  return `${lines.join('\n')}\n`;
}

function renderHtml(heading: string, groups: DigestGroup[], moreCount: number, unsubscribe: Unsubscribe | undefined): string {
  const sections = groups.map((group) => {
    const items = group.stories.map((story) => storyHtml(story)).join('\n');
    return [
      `<h2 style="margin:24px 0 8px 0;font-size:13px;color:#52525b;text-transform:uppercase;letter-spacing:0.04em;border-bottom:1px solid #e4e4e7;padding-bottom:4px">${escapeHtml(group.label)} (${group.stories.length})</h2>`,
      items,
    ].join('\n');
  });
  const more =
    moreCount > 0
      ? `<p style="margin:16px 0 0 0;font-size:14px;color:#52525b">&hellip; and ${moreCount} more ${moreCount === 1 ? 'story' : 'stories'} in this period.</p>`
      : '';
  const content = [`<h1 style="margin:0;font-size:20px;line-height:1.3">${escapeHtml(heading)}</h1>`, ...sections, more].filter(Boolean).join('\n');
  const firstTitle = groups[0]?.stories[0]?.item.title ?? '';
  return emailShell({ title: heading, preheader: firstTitle, contentHtml: content, footerHtml: footerHtml(FOOTER, unsubscribe?.url, unsubscribe?.manageUrl) });
}

function storyHtml(story: DigestStory): string {
  const title = escapeHtml(oneLine(story.item.title) || '(untitled)');
  const link = safeHttpUrl(story.item.link);
  const heading = link ? `<a href="${escapeHtml(link)}" style="color:#0b57d0;text-decoration:none">${title}</a>` : title;
  const byline = [story.item.source.trim(), story.item.published ? shortDate(story.item.published) : '']
    .filter(Boolean)
    .map(escapeHtml)
    .join(' &middot; ');
  const summary = oneLine(story.item.summary);
  const others = alsoReportedBy(story).map((other) => {
    const name = escapeHtml(other.source);
    const otherLink = safeHttpUrl(other.link);
    return otherLink ? `<a href="${escapeHtml(otherLink)}" style="color:#52525b">${name}</a>` : name;
  });
  return [
    '<div style="margin:0 0 16px 0">',
    `<p style="margin:0 0 2px 0;font-size:16px;font-weight:bold;line-height:1.35">${heading}</p>`,
    byline ? `<p style="margin:0 0 4px 0;font-size:13px;color:#52525b">${byline}</p>` : '',
    summary ? `<p style="margin:0 0 4px 0;font-size:14px">${escapeHtml(truncate(summary, SUMMARY_LIMIT))}</p>` : '',
    others.length > 0 ? `<p style="margin:0 0 4px 0;font-size:13px;color:#52525b">Also reported by ${others.join(', ')}</p>` : '',
    `<p style="margin:0;font-size:12px;color:#71717a">Why: ${escapeHtml(whyText(story))}</p>`,
    '</div>',
  ]
    .filter(Boolean)
    .join('\n');
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

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shortDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `Tuesday 25 February 2025` in the subscriber's zone. */
function localDate(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
  } catch {
    const local = zonedTime(new Date(iso), 'UTC');
    return `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
  }
}
