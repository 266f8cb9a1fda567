/**
 * Subscriptions: who gets what, how often and when. The subscriber record itself is in
 * `shared/store/records.ts`; this module reads it with its defaults, validates it before it is
 * stored, and computes digest times in the subscriber's time zone.
 */
export {
  activeChannelsOf,
  cadenceOf,
  channelStateOf,
  DEFAULT_DELIVERY_HOUR,
  DEFAULT_TIME_ZONE,
  digestScheduleOf,
  webhookSecretsOf,
  type ChannelState,
} from './subscriber-settings.ts';
export { nextDigestAt, zonedTime, zonedToInstant, type DigestSchedule, type ZonedTime } from './schedule.ts';
export { SubscriberInvalidError, validateSubscriber, type ValidateSubscriberOptions } from './validate-subscriber.ts';
