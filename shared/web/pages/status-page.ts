import type { FeedHealth, OperatorStatus } from '../../api/index.ts';
import { html, safeLink } from '../../html/index.ts';
import type { QueueDepthReport } from '../../queue/ports.ts';
import { CSRF_FIELD } from '../csrf.ts';
import { renderPage } from '../layout.ts';

function when(iso: string | null, now: Date): string {
  if (!iso) return '—';
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const amount =
    abs < 90
      ? `${abs} s`
      : abs < 5400
        ? `${Math.round(abs / 60)} min`
        : abs < 172_800
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86_400)} d`;
  return seconds <= 0 ? `${amount} ago` : `in ${amount}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Why a feed is polled at its interval, in words. */
const intervalReasons: Record<FeedHealth['interval']['reason'], string> = {
  configured: 'as configured',
  'busy-feed': 'busy feed',
  'quiet-feed': 'quiet feed',
  'feed-ttl': "feed's ttl",
  'server-max-age': "server's max-age",
  backoff: 'backing off after errors',
  'retry-after': "server's Retry-After",
  websub: 'pushed by its WebSub hub; safety poll',
};

function intervalText(interval: FeedHealth['interval']): string {
  const every = interval.minutes < 120 ? `${interval.minutes} min` : `${Math.round(interval.minutes / 6) / 10} h`;
  return `every ${every} (${intervalReasons[interval.reason]})`;
}

const feedBadges = { ok: ['ok', 'OK'], failing: ['error', 'Failing'], 'never-polled': ['warn', 'Not polled yet'] } as const;

/** What the page adds to the status: the poll buttons' form token, and the notice after a poll. */
export interface StatusPageOptions {
  /** Without it (no token keys) the page has no "Poll now" buttons. */
  csrfToken?: string | undefined;
  notice?: string | undefined;
}

/** A "Poll now" button: a form posting to `/status/poll` (`feed=ID`, or `all=1`). */
function pollButton(csrfToken: string, field: { name: 'feed' | 'all'; value: string }, label: string, title: string) {
  return html`<form method="post" action="/status/poll" class="inline"><input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}"><input type="hidden" name="${field.name}" value="${field.value}"><button type="submit" class="small-button" title="${title}">${label}</button></form>`;
}

/**
 * The operator's status page: feed health (each feed with a "Poll now" button, and "Poll all"),
 * queue and DLQ depths, recent stories by topic.
 */
export function renderStatusPage(status: OperatorStatus, options: StatusPageOptions = {}): string {
  const { csrfToken } = options;
  const now = new Date(status.generatedAt);
  const queues = status.queues;
  const queueRows =
    queues && !('error' in queues)
      ? (Object.entries(queues) as [string, QueueDepthReport][]).map(
          ([name, depth]) => html`<tr>
<th scope="row">${name}</th>
<td class="num">${depth.visible}</td><td class="num">${depth.notVisible}</td><td class="num">${depth.delayed}</td>
<td class="num">${depth.deadLetters.visible > 0 ? html`<span class="badge error">${depth.deadLetters.visible}</span>` : '0'}</td>
</tr>`,
        )
      : [];
  const s = status.subscribers;
  return renderPage({
    title: 'Status',
    body: html`<h1>Status</h1>
<p class="lead">As of ${status.generatedAt.slice(0, 19).replace('T', ' ')} UTC · ${plural(status.feeds.length, 'feed')} · ${plural(s.total, 'subscriber')} (${s.byStatus.active} active, ${s.byStatus.paused} paused, ${s.byStatus.pending} pending, ${s.byStatus.unsubscribed} unsubscribed)</p>
${options.notice ? html`<p class="notice ok" role="status">${options.notice}</p>` : ''}
<h2 id="feeds">Feeds</h2>
${csrfToken && status.feeds.length > 0 ? html`<p>${pollButton(csrfToken, { name: 'all', value: '1' }, 'Poll all now', 'Poll every feed now, whatever its schedule')}</p>` : ''}
<div class="card table-wrap">
${
  status.feeds.length === 0
    ? html`<p>No feeds yet.</p>`
    : html`<table aria-labelledby="feeds">
<thead><tr><th scope="col">Feed</th><th scope="col">Health</th><th scope="col">Last success</th><th scope="col">Interval</th><th scope="col">Next poll</th><th scope="col" class="num">Errors</th>${csrfToken ? html`<th scope="col"><span class="visually-hidden">Poll</span></th>` : ''}</tr></thead>
<tbody>
${status.feeds.map((feed) => {
  const [tone, text] = feedBadges[feed.status];
  return html`<tr>
<td><strong>${feed.title ?? feed.feedId}</strong><br><span class="small">${feed.url}</span>${feed.lastError ? html`<br><span class="small">Last error: ${feed.lastError}</span>` : ''}</td>
<td><span class="badge ${tone}">${text}</span><br><span class="small">${feed.delivery.mode === 'push' ? `pushed (WebSub, ${hostOf(feed.delivery.hub)})` : feed.delivery.hub ? `polled: ${feed.delivery.reason ?? 'no push'}` : 'polled'}</span></td>
<td>${when(feed.lastSuccessAt, now)}</td>
<td>${intervalText(feed.interval)}</td>
<td>${when(feed.nextPollAt, now)}</td>
<td class="num">${feed.consecutiveErrors}</td>
${csrfToken ? html`<td>${pollButton(csrfToken, { name: 'feed', value: feed.feedId }, 'Poll now', `Poll ${feed.feedId} now, whatever its schedule`)}</td>` : ''}
</tr>`;
})}
</tbody>
</table>`
}
</div>
<h2 id="queues">Queues</h2>
<div class="card table-wrap">
${
  queues === null
    ? html`<p>Queue depths are not available here.</p>`
    : 'error' in queues
      ? html`<p class="notice error">Queue depths could not be read: ${String(queues.error)}</p>`
      : html`<table aria-labelledby="queues">
<thead><tr><th scope="col">Queue</th><th scope="col" class="num">Waiting</th><th scope="col" class="num">In flight</th><th scope="col" class="num">Delayed</th><th scope="col" class="num">Dead letters</th></tr></thead>
<tbody>${queueRows}</tbody>
</table>
<p class="small">See what failed and why with <code>news-alerts dlq list QUEUE</code>; put it back with <code>news-alerts dlq redrive QUEUE</code>.</p>`
}
</div>
<h2 id="stories">Recent stories by topic</h2>
${status.topics.map(
  (topic) => html`<div class="card">
<h3>${topic.label} <span class="small">(${topic.topicId})</span></h3>
${
  topic.stories.length === 0
    ? html`<p class="small">No stories in the last week.</p>`
    : html`<ul class="stories">${topic.stories.map((story) => {
        const link = safeLink(story.link);
        return html`<li>${link ? html`<a href="${link}" rel="noreferrer noopener">${story.title}</a>` : story.title} <span class="small">· ${story.source} · ${when(story.seenAt, now)} · score ${story.score.toFixed(2)}</span></li>`;
      })}</ul>`
}
</div>`,
)}`,
  });
}

/** The host of a hub URL, for a short label. */
function hostOf(url: string | null): string {
  if (!url) return 'hub';
  try {
    return new URL(url).host;
  } catch {
    return 'hub';
  }
}
