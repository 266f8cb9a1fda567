import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/logger.ts';
import type { AlertMessage } from '../messages/schemas.ts';
import type { Headline, HeadlineStore } from '../store/ports.ts';

/** One headline per topic of an alert, seen `now`. */
export function headlinesOf(alert: AlertMessage, now: Date): Headline[] {
  return alert.topics.map((match) => ({
    topicId: match.topic,
    storyId: alert.storyId,
    title: alert.item.title,
    link: alert.item.link,
    source: alert.item.source,
    score: match.score,
    seenAt: now.toISOString(),
  }));
}

/**
 * Records an alert's headlines for the status page, once per alert (not for fan-out's follow-up
 * pages). Best effort: the status page must never hold up delivery, so a failure is logged.
 */
export async function recordHeadlines(alert: AlertMessage, deps: { headlines: HeadlineStore; clock: Clock; log: Log }): Promise<void> {
  // Once per alert: follow-ups and slices carry the same story.
  if (alert.cursor || alert.slice !== undefined) return;
  try {
    await deps.headlines.record(headlinesOf(alert, deps.clock.now()));
  } catch (error) {
    deps.log.warn('headline not recorded', { storyId: alert.storyId, error: error instanceof Error ? error.message : String(error) });
  }
}
