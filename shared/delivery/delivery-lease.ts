import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { EventSink } from '../core/events.ts';
import type { DeliveryLease, DeliveryStore } from '../store/ports.ts';
import { deliveryExpiresAt } from './delivery-id.ts';
import { DeliveryBusyError } from './errors.ts';

/**
 * The lease a delivery attempt holds on its marker, so that a duplicate message handled at the
 * same moment does not send twice, while an attempt that crashed is redone within seconds.
 *
 * `begin` claims the marker for {@link CLAIM_LEASE_MS}: enough for the steps before the send (a
 * subscriber read, the SSRF check, composing), which take milliseconds. Right before the send the
 * attempt renews its lease for the send's own bound ({@link sendLeaseMs}); the renewal is
 * conditional on still holding it, so an attempt whose lease lapsed (a long wait for a Slack
 * slot) and was taken over does not send. A crash leaves a lease that runs out at most 12 s
 * (webhook) or 30 s (email) after the send began: the redelivery waits that long at most.
 */

/** The claim `begin` takes: 10 s, far more than the steps before a send take, well under the 30 s a crash may cost. */
export const CLAIM_LEASE_MS = 10_000;

/** Added to a send's own timeout: the marker writes around it and clock skew between workers. */
const SEND_LEASE_MARGIN_MS = 2_000;

/**
 * The lease held while an email is handed to its transport: 30 s, the deliver-email function's
 * timeout (an invocation cannot outlive it in AWS) and beyond the SMTP transport's connection and
 * greeting timeouts (10 s each) with a reply inside its 20 s socket timeout.
 */
export const MAIL_SEND_LEASE_MS = 30_000;

/** The lease held during a POST bounded by `timeoutMs` (the whole request, answer included). */
export function sendLeaseMs(timeoutMs: number): number {
  return timeoutMs + SEND_LEASE_MARGIN_MS;
}

/** A fresh claim for one attempt: its own owner token, never reused by a duplicate. */
export function newClaim(): DeliveryLease {
  return { owner: randomUUID(), leaseMs: CLAIM_LEASE_MS };
}

/** The refusal of a duplicate attempt: retry once the lease ending at `leaseEndsAt` has run out. */
export function busyError(deliveryKey: string, leaseEndsAt: Date | undefined, clock: Clock): DeliveryBusyError {
  const until = leaseEndsAt ?? new Date(clock.now().getTime() + CLAIM_LEASE_MS);
  const seconds = Math.max(1, Math.ceil((until.getTime() - clock.now().getTime()) / 1000) + 1);
  return new DeliveryBusyError(
    `delivery deferred: another attempt holds it until ${until.toISOString()} (delivery ${deliveryKey})`,
    seconds,
  );
}

/**
 * Renews the attempt's lease for a send of `leaseMs`; throws {@link DeliveryBusyError} when the
 * attempt no longer holds it (another one took over): then it must not send.
 */
export async function holdForSend(
  deliveries: Pick<DeliveryStore, 'renewLease'>,
  deliveryKey: string,
  lease: DeliveryLease,
  leaseMs: number,
  clock: Clock,
): Promise<void> {
  if (!(await deliveries.renewLease(deliveryKey, { owner: lease.owner, leaseMs }))) throw busyError(deliveryKey, undefined, clock);
}

/**
 * Ends the attempt's lease after it failed (the retry need not wait it out). Best effort: if the
 * write fails, the lease runs out on its own.
 */
export async function releaseQuietly(
  deliveries: Pick<DeliveryStore, 'releaseLease'>,
  deliveryKey: string,
  lease: DeliveryLease,
): Promise<void> {
  await deliveries.releaseLease(deliveryKey, lease.owner).catch(() => undefined);
}

/** The delivery an attempt is for, as its events name it. */
export interface LeasedDelivery {
  deliveryKey: string;
  subscriberId: string;
  storyId: string;
  channel: 'email' | 'webhook';
}

/**
 * One attempt at a delivery, under a lease of its own (email and webhook alike): already sent →
 * skipped, and said so; another attempt holding it (a duplicate message at the same moment) → a
 * retryable {@link DeliveryBusyError}, nothing done; otherwise `work` runs with the lease, and a
 * failed attempt ends it so its retry (seconds away) need not wait it out.
 */
export async function underDeliveryLease<T>(
  delivery: LeasedDelivery,
  deps: { deliveries: Pick<DeliveryStore, 'begin' | 'releaseLease'>; clock: Clock; events: EventSink },
  work: (lease: DeliveryLease) => Promise<T>,
): Promise<T | { status: 'skipped'; reason: 'already-sent' }> {
  const { deliveries, clock, events } = deps;
  const { deliveryKey, subscriberId, storyId, channel } = delivery;
  const lease = newClaim();
  const claim = await deliveries.begin(deliveryKey, deliveryExpiresAt(clock.now()), lease);
  if (claim.status === 'sent') {
    events.emit({ type: 'delivery-skipped', channel, subscriberId, storyId, deliveryKey, reason: 'already-sent' });
    return { status: 'skipped', reason: 'already-sent' };
  }
  if (claim.status === 'busy') throw busyError(deliveryKey, claim.leaseEndsAt, clock);
  try {
    return await work(lease);
  } catch (error) {
    await releaseQuietly(deliveries, deliveryKey, lease);
    throw error;
  }
}
