/**
 * What SES tells us after sending: a permanent bounce or a spam complaint pauses the email
 * channel it concerns, with the reason; a transient or undetermined bounce leaves it alone. The
 * channel is found by the message tags every email carries (`shared/mail/message-tags.ts`), and
 * only if its address is still the one that bounced or complained. Handling the same
 * notification twice changes nothing the second time.
 */
import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { Log } from '../core/logger.ts';
import { redactAddresses } from '../core/redact-address.ts';
import { pauseChannel } from '../delivery/index.ts';
import { bareAddress } from '../mail/addresses.ts';
import { channelFromTags } from '../mail/message-tags.ts';
import type { SubscriptionStore } from '../store/ports.ts';
import type { SesNotification } from './ses-notification.ts';

export interface EmailFeedbackDeps {
  subscriptions: Pick<SubscriptionStore, 'getSubscriber' | 'updateStatus'>;
  clock: Clock;
  log: Log;
  events: EventSink;
}

/** Why a notification found no channel to act on. */
export type UnmatchedReason = 'no-tags' | 'subscriber-missing' | 'channel-missing';

export type EmailFeedbackOutcome =
  | { status: 'paused'; subscriberId: string; channelId: string; reason: string }
  | { status: 'already-paused'; subscriberId: string; channelId: string }
  | { status: 'not-paused'; subscriberId: string; channelId: string; why: 'transient-bounce' | 'undetermined-bounce' | 'address-changed' }
  | { status: 'unmatched'; why: UnmatchedReason; messageId: string }
  | { status: 'ignored'; type: string };

/** Acts on one SES notification; store errors are thrown (the caller retries). */
export async function handleEmailFeedback(notification: SesNotification, deps: EmailFeedbackDeps): Promise<EmailFeedbackOutcome> {
  const { log, events } = deps;
  if (notification.kind === 'other') {
    log.info('email feedback ignored: not a bounce or complaint', { type: notification.type });
    return { status: 'ignored', type: notification.type };
  }
  const feedback = notification.kind;
  const bounceType = notification.kind === 'bounce' ? notification.bounce.bounceType : undefined;
  const base = { type: 'email-feedback' as const, feedback, ...(bounceType ? { bounceType } : {}) };
  const messageId = notification.mail.messageId;

  const ref = channelFromTags(notification.mail.tags);
  const subscriber = ref ? await deps.subscriptions.getSubscriber(ref.subscriberId) : undefined;
  const channel = ref ? subscriber?.channels.find((c) => c.channelId === ref.channelId && c.kind === 'email') : undefined;
  if (!ref || !subscriber || !channel || channel.kind !== 'email') {
    const why: UnmatchedReason = !ref ? 'no-tags' : !subscriber ? 'subscriber-missing' : 'channel-missing';
    // Reported once, as unmatched (a warn line): an email sent without tags (before they existed,
    // or with an id too long for a tag), a subscriber removed since, or a notification about
    // someone else's mail.
    events.emit({ ...base, outcome: 'unmatched', why, messageId, ...ref });
    return { status: 'unmatched', why, messageId };
  }
  const { subscriberId, channelId } = ref;
  const done = (outcome: 'already-paused' | 'not-paused', fields: { why?: string; state?: string }) => {
    events.emit({ ...base, outcome, subscriberId, channelId, ...fields });
  };

  const recipients = notification.kind === 'bounce' ? notification.bounce.bouncedRecipients : notification.complaint.complainedRecipients;
  if (!recipients.some((recipient) => sameAddress(recipient.emailAddress, channel.address))) {
    // The subscriber changed the address since: what the old one did says nothing of the new.
    done('not-paused', { why: 'address-changed' });
    return { status: 'not-paused', subscriberId, channelId, why: 'address-changed' };
  }
  if (notification.kind === 'bounce' && notification.bounce.bounceType !== 'Permanent') {
    const why = notification.bounce.bounceType === 'Transient' ? 'transient-bounce' : 'undetermined-bounce';
    done('not-paused', { why });
    return { status: 'not-paused', subscriberId, channelId, why };
  }
  const state = subscriber.channelStatus?.[channelId]?.state;
  if (state === 'paused' || state === 'unsubscribed') {
    done('already-paused', { state });
    return { status: 'already-paused', subscriberId, channelId };
  }

  const reason = reasonOf(notification);
  // pauseChannel reports `channel-paused`.
  await pauseChannel({ subscriberId, channelId, kind: 'email' }, reason, deps);
  events.emit({ ...base, outcome: 'paused', subscriberId, channelId });
  return { status: 'paused', subscriberId, channelId, reason };
}

/** The reason stored on the channel, addresses redacted. */
function reasonOf(notification: Extract<SesNotification, { kind: 'bounce' | 'complaint' }>): string {
  if (notification.kind === 'complaint') {
    const type = notification.complaint.complaintFeedbackType;
    return `spam complaint: the recipient reported an email as spam${type ? ` (${type})` : ''}`;
  }
  const { bounceSubType, bouncedRecipients } = notification.bounce;
  const diagnostic = bouncedRecipients.find((r) => r.diagnosticCode)?.diagnosticCode;
  const detail = diagnostic ? `: ${redactAddresses(diagnostic).replace(/\s+/g, ' ').slice(0, 300)}` : '';
  return `permanent bounce${bounceSubType ? ` (${bounceSubType})` : ''}${detail}`;
}

/** Addresses compared without display names and case (`"A" <a@B.org>` = `a@b.org`). */
function sameAddress(a: string, b: string): boolean {
  return bareAddress(a).toLowerCase() === bareAddress(b).toLowerCase();
}
