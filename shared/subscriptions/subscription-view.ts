import type { Cadence, Subscriber, Weekday } from '../store/records.ts';
import { cadenceOf, channelStateOf, DEFAULT_DELIVERY_HOUR, DEFAULT_TIME_ZONE } from './index.ts';

/**
 * How a subscription looks from outside: one status for the whole subscription (as the manage
 * page and the API show it), and a JSON view without secrets.
 */

export type SubscriptionStatus = 'pending' | 'active' | 'paused' | 'unsubscribed';

/**
 * The subscription's status: unsubscribed when the subscriber or every channel is; pending until
 * confirmed; paused when the subscriber paused or no channel gets news (e.g. a webhook that
 * answered 410); active otherwise.
 */
export function subscriptionStatusOf(subscriber: Subscriber): SubscriptionStatus {
  const channelStates = subscriber.channels.map((c) => subscriber.channelStatus?.[c.channelId]?.state);
  if (subscriber.state === 'unsubscribed' || channelStates.every((s) => s === 'unsubscribed')) return 'unsubscribed';
  if (subscriber.state === 'pending') return 'pending';
  if (subscriber.state === 'paused') return 'paused';
  return subscriber.channels.some((c) => channelStateOf(subscriber, c.channelId) === 'active') ? 'active' : 'paused';
}

/** The cadence the pages show: the first email channel's (webhooks are always instant). */
export function mainCadenceOf(subscriber: Subscriber): Cadence {
  const email = subscriber.channels.find((c) => c.kind === 'email');
  return email ? cadenceOf(subscriber, email.channelId) : 'instant';
}

const weekdayNames: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export function weekdayName(day: Weekday): string {
  return weekdayNames[day];
}

/** "each story as it comes", "a daily digest at 08:00 (Europe/Berlin)" … */
export function describeCadence(choice: { cadence: Cadence; deliveryHour?: number; timeZone?: string; weeklyDay?: Weekday }): string {
  const at = `${String(choice.deliveryHour ?? DEFAULT_DELIVERY_HOUR).padStart(2, '0')}:00 (${choice.timeZone ?? DEFAULT_TIME_ZONE})`;
  switch (choice.cadence) {
    case 'instant':
      return 'each story as it comes';
    case 'hourly':
      return 'an hourly digest';
    case 'daily':
      return `a daily digest at ${at}`;
    case 'weekly':
      return `a weekly digest on ${weekdayName(choice.weeklyDay ?? 'mon')}s at ${at}`;
  }
}

/** The API's JSON view of a subscription: no secrets. */
export interface SubscriptionJson {
  id: string;
  status: SubscriptionStatus;
  channel: { kind: 'email'; address: string } | { kind: 'webhook'; url: string; format: 'json' | 'slack' };
  topics: string[];
  filter: string | null;
  minScore: number;
  cadence: Cadence;
  deliveryHour: number;
  timeZone: string;
  weeklyDay: Weekday;
  manageUrl: string;
}

export function subscriptionJson(subscriber: Subscriber, manageUrl: string): SubscriptionJson {
  const channel = subscriber.channels[0]!;
  return {
    id: subscriber.subscriberId,
    status: subscriptionStatusOf(subscriber),
    channel:
      channel.kind === 'email'
        ? { kind: 'email', address: channel.address }
        : { kind: 'webhook', url: channel.url, format: channel.format },
    topics: subscriber.topics,
    filter: subscriber.filter ?? null,
    minScore: subscriber.minScore,
    cadence: mainCadenceOf(subscriber),
    deliveryHour: subscriber.deliveryHour ?? DEFAULT_DELIVERY_HOUR,
    timeZone: subscriber.timeZone ?? DEFAULT_TIME_ZONE,
    weeklyDay: subscriber.weeklyDay ?? 'mon',
    manageUrl,
  };
}

/** The operator's view of a subscriber: every channel with its cadence and state. */
export interface SubscriberAdminJson {
  id: string;
  name: string | null;
  status: SubscriptionStatus;
  stateReason: string | null;
  topics: string[];
  filter: string | null;
  channels: { channelId: string; kind: 'email' | 'webhook'; target: string; cadence: Cadence; state: string }[];
}

export function subscriberAdminJson(subscriber: Subscriber): SubscriberAdminJson {
  return {
    id: subscriber.subscriberId,
    name: subscriber.name ?? null,
    status: subscriptionStatusOf(subscriber),
    stateReason: subscriber.stateReason ?? null,
    topics: subscriber.topics,
    filter: subscriber.filter ?? null,
    channels: subscriber.channels.map((channel) => ({
      channelId: channel.channelId,
      kind: channel.kind,
      target: channel.kind === 'email' ? channel.address : channel.url,
      cadence: cadenceOf(subscriber, channel.channelId),
      state: channelStateOf(subscriber, channel.channelId),
    })),
  };
}
