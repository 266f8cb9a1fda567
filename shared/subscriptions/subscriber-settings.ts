import type { Cadence, Subscriber } from '../store/records.ts';
import type { DigestSchedule } from './schedule.ts';

/**
 * The subscriber fields that are optional in storage, read with their defaults: rows written
 * before a field existed behave as if it held the default.
 */

export const DEFAULT_DELIVERY_HOUR = 8;
export const DEFAULT_TIME_ZONE = 'UTC';

/** Whether a channel receives anything now, and if not, why. */
export type ChannelState = 'active' | 'paused' | 'unsubscribed' | 'subscriber-inactive';

/** The cadence of one channel: `instant` unless the subscriber chose a digest for it. */
export function cadenceOf(subscriber: Subscriber, channelId: string): Cadence {
  return subscriber.cadence?.[channelId] ?? 'instant';
}

/** The digest schedule of a channel with a digest cadence. */
export function digestScheduleOf(subscriber: Subscriber, cadence: Exclude<Cadence, 'instant'>): DigestSchedule {
  return {
    cadence,
    deliveryHour: subscriber.deliveryHour ?? DEFAULT_DELIVERY_HOUR,
    timeZone: subscriber.timeZone ?? DEFAULT_TIME_ZONE,
    weeklyDay: subscriber.weeklyDay ?? 'mon',
  };
}

/**
 * Whether a channel of the subscriber gets news: the subscriber must be active, and the channel
 * neither paused (its receiver is gone, or an operator paused it) nor unsubscribed.
 */
export function channelStateOf(subscriber: Subscriber, channelId: string): ChannelState {
  if (subscriber.state !== 'active') return 'subscriber-inactive';
  return subscriber.channelStatus?.[channelId]?.state ?? 'active';
}

/** The subscriber's webhook signing secrets, current first: two while a rotation is under way. */
export function webhookSecretsOf(subscriber: Pick<Subscriber, 'webhookSecret' | 'previousWebhookSecret'>): string[] {
  const split = (value: string | undefined) => (value ?? '').split(/\s+/).filter((secret) => secret.length > 0);
  return [...new Set([...split(subscriber.webhookSecret), ...split(subscriber.previousWebhookSecret)])];
}
