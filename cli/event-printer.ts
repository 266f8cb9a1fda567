import type { EventSink, PipelineEvent } from '../shared/core/events.ts';
import { allowPrivateNetworkHint } from '../shared/outbound-http/index.ts';

/**
 * Turns pipeline events into one readable terminal line each (alerts get a second line: why).
 * `mailDestination` says where emails go (`written to the outbox /path`, `sent to SMTP host:port`),
 * for the line printed when a confirmation email is written.
 */
export function createEventPrinter(write: (line: string) => void, options: { mailDestination?: string } = {}): EventSink {
  return {
    emit(event) {
      for (const line of describeEvent(event, options.mailDestination)) write(line);
    },
  };
}

export function describeEvent(event: PipelineEvent, mailDestination?: string): string[] {
  switch (event.type) {
    case 'subscription-email': {
      const what = event.kind === 'confirmation' ? 'confirmation email' : 'already-subscribed notice (manage link)';
      return [`mail    ${what} for ${event.subscriberId}: ${mailDestination ?? 'sent'}`];
    }
    case 'feed-polled':
      if (event.status === 'error') return [`poll    ${event.feedId}: cannot poll: ${withAllowHint(event.error ?? 'unknown error')}`];
      if (event.status === 'not-modified') return [`poll    ${event.feedId}: not modified`];
      return [
        `${event.via === 'push' ? 'push   ' : 'poll   '} ${event.feedId}: ${event.items} items, ${event.new} new, ${event.duplicates} already seen`,
      ];
    case 'alert': {
      const topics = event.topics.map((t) => `${t.topic} ${t.score.toFixed(2)}`).join(', ');
      const why = event.topics.map((t) => `${t.topic}: ${t.matched.join(', ')}`).join('; ');
      return [`ALERT   [${topics}] ${event.title}${event.link ? ` <${event.link}>` : ''}`, `        matched ${why}`];
    }
    case 'delivered':
      return [`sent    ${event.channel} to ${event.subscriberId} (${event.target})`];
    case 'delivery-skipped':
      return [`skip    ${event.channel} to ${event.subscriberId}: ${event.reason.replace(/-/g, ' ')}`];
    case 'delivery-deferred':
      return [
        `defer   ${event.channel} to ${event.subscriberId}: another worker is sending it${event.retryInSeconds === undefined ? '' : `; checked again in ${event.retryInSeconds} s`}`,
      ];
    case 'delivery-failed':
      return [`FAILED  ${event.channel} to ${event.subscriberId}: ${withAllowHint(event.error)}${failureNote(event)}`];
    case 'channel-paused':
      return [`PAUSED  ${event.channel} ${event.channelId} of ${event.subscriberId}: ${event.reason}`];
    case 'unsubscribed':
      return [`unsub   ${event.channelId} of ${event.subscriberId}`];
    case 'email-feedback': {
      const kind = event.bounceType ? `${event.bounceType.toLowerCase()} ${event.feedback}` : event.feedback;
      const whose = event.subscriberId ? `${event.channelId} of ${event.subscriberId}` : 'no known channel';
      return [`ses     ${kind} for ${whose}: ${event.outcome.replace(/-/g, ' ')}`];
    }
    case 'digest-queued':
      return [`digest  ${event.stories} stories for ${event.subscriberId} (${event.channelId}), due ${event.dueAt}`];
    case 'subscriber-error':
      return [`ERROR   subscriber ${event.subscriberId}: ${event.error}`];
    case 'websub':
      return [`websub  ${event.feedId} (${event.hub}): ${event.action.replace(/-/g, ' ')}${event.reason ? `: ${event.reason}` : ''}`];
  }
}

/** A refusal of a non-public address says how to allow one for local testing. */
function withAllowHint(error: string): string {
  return /refused: .*\b(a|an|the) [\w -]*address\b/.test(error) ? `${error}; ${allowPrivateNetworkHint}` : error;
}

function failureNote(event: Extract<PipelineEvent, { type: 'delivery-failed' }>): string {
  if (event.deadLettered) return ` (attempt ${event.attempt}, the last: dead-lettered)`;
  if (event.permanent) return ' (permanent)';
  return event.retryInSeconds === undefined ? ' (will retry)' : ` (will retry in ${event.retryInSeconds} s)`;
}

/** Counts events for the demo's and `run --once`'s summary. */
export interface PipelineCounts {
  feeds: { polled: number; ok: number; notModified: number; errors: { feedId: string; error: string }[] };
  items: { seen: number; new: number; duplicates: number };
  alerts: { total: number; byTopic: Record<string, number>; titles: { title: string; topics: string[] }[] };
  deliveries: Record<'webhook' | 'email', { delivered: number; skipped: number; failed: number }>;
}

export function createEventCounter(): { sink: EventSink; counts: PipelineCounts } {
  const counts: PipelineCounts = {
    feeds: { polled: 0, ok: 0, notModified: 0, errors: [] },
    items: { seen: 0, new: 0, duplicates: 0 },
    alerts: { total: 0, byTopic: {}, titles: [] },
    deliveries: { webhook: { delivered: 0, skipped: 0, failed: 0 }, email: { delivered: 0, skipped: 0, failed: 0 } },
  };
  const sink: EventSink = {
    emit(event) {
      switch (event.type) {
        case 'feed-polled':
          counts.feeds.polled++;
          if (event.status === 'ok') counts.feeds.ok++;
          if (event.status === 'not-modified') counts.feeds.notModified++;
          if (event.status === 'error') counts.feeds.errors.push({ feedId: event.feedId, error: event.error ?? '' });
          counts.items.seen += event.items;
          counts.items.new += event.new;
          counts.items.duplicates += event.duplicates;
          break;
        case 'alert':
          counts.alerts.total++;
          counts.alerts.titles.push({ title: event.title, topics: event.topics.map((t) => t.topic) });
          for (const t of event.topics) counts.alerts.byTopic[t.topic] = (counts.alerts.byTopic[t.topic] ?? 0) + 1;
          break;
        case 'delivered':
          counts.deliveries[event.channel].delivered++;
          break;
        case 'delivery-skipped':
          counts.deliveries[event.channel].skipped++;
          break;
        case 'delivery-failed':
          // An attempt SQS will retry is not a failed delivery (yet).
          if (event.permanent) counts.deliveries[event.channel].failed++;
          break;
      }
    },
  };
  return { sink, counts };
}

export { combineEventSinks } from '../shared/core/events.ts';
