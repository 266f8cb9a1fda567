import type { EventSink, PipelineEvent } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import { redactUrl, redactUrlsIn } from '../outbound-http/index.ts';

/**
 * An EventSink writing one line per pipeline event (Lambda: one structured JSON line in
 * CloudWatch, queryable by `event`): the outcome's only log line, at warn when something failed
 * or was taken out of delivery, at info otherwise. URLs are cut down before logging: a webhook URL
 * is a credential (a Slack incoming webhook's path is its secret), and a feed URL's query can carry
 * a token: feed URLs and error text are redacted as everywhere they are shown (`redactUrl`), and
 * a webhook URL is cut to its origin.
 */
export function createLogEventSink(log: Log): EventSink {
  return {
    emit(event) {
      if (isFailure(event)) log.warn(event.type, toFields(event));
      else log.info(event.type, toFields(event));
    },
  };
}

function isFailure(event: PipelineEvent): boolean {
  switch (event.type) {
    case 'delivery-failed':
    case 'channel-paused':
    case 'subscriber-error':
      return true;
    case 'feed-polled':
      return event.status === 'error';
    case 'email-feedback':
      return event.outcome === 'unmatched';
    case 'websub':
      return ['subscribe-refused', 'denied', 'silent', 'push-refused', 'verification-refused'].includes(event.action);
    default:
      return false;
  }
}

function toFields(event: PipelineEvent): Record<string, unknown> {
  switch (event.type) {
    case 'feed-polled':
      return {
        event: event.type,
        ...event,
        url: redactUrl(event.url),
        ...(event.error === undefined ? {} : { error: redactUrlsIn(event.error) }),
      };
    case 'delivered':
      return { event: event.type, ...event, target: redactTarget(event.target) };
    default:
      return { event: event.type, ...event };
  }
}

/** A webhook URL reduced to its origin (its path may be the secret); an email address as is. */
function redactTarget(target: string): string {
  const url = parseUrl(target);
  return url ? `${url.origin}/…` : target;
}

function parseUrl(text: string): URL | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
