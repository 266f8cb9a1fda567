import { describe, expect, it } from 'vitest';
import { topology } from '../../../infra/topology.ts';
import { busyError, MAIL_SEND_LEASE_MS, newClaim, sendLeaseMs } from '../../../shared/delivery/delivery-lease.ts';
import { DeliveryBusyError } from '../../../shared/delivery/errors.ts';
import { WEBHOOK_TIMEOUT_MS } from '../../../shared/delivery/post-webhook.ts';

/** What `test/e2e/crash-restart.test.ts` holds a restarted run to: the held delivery again within 30 s. */
const CRASH_RESTART_PROMISE_MS = 30_000;

describe('delivery lease', () => {
  it('outlasts a webhook POST (its timeout covers the answer too), and stays well under the crash-restart promise', () => {
    expect(sendLeaseMs(WEBHOOK_TIMEOUT_MS)).toBeGreaterThan(WEBHOOK_TIMEOUT_MS);
    expect(sendLeaseMs(WEBHOOK_TIMEOUT_MS)).toBeLessThanOrEqual(CRASH_RESTART_PROMISE_MS / 2);
    expect(newClaim().leaseMs).toBeLessThanOrEqual(CRASH_RESTART_PROMISE_MS / 2);
  });

  it('holds an email send as long as the deliver-email function may run', () => {
    expect(MAIL_SEND_LEASE_MS).toBeGreaterThanOrEqual(topology.functions['deliver-email'].timeoutSeconds * 1000);
  });

  it('gives every attempt its own owner token', () => {
    expect(newClaim().owner).not.toBe(newClaim().owner);
  });

  it('defers a busy copy until the lease has run out, plus a second, as a retryable error', () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    const error = busyError('s#story#hook', new Date('2030-01-01T00:00:04.200Z'), { now: () => now });
    expect(error).toBeInstanceOf(DeliveryBusyError);
    expect(error.retryable).toBe(true);
    expect(error.retryInSeconds).toBe(6);
    expect(error.message).toBe('delivery deferred: another attempt holds it until 2030-01-01T00:00:04.200Z (delivery s#story#hook)');
    // A lease that ran out in the meantime: look again in a second.
    expect(busyError('k', new Date('2029-12-31T23:59:59.000Z'), { now: () => now }).retryInSeconds).toBe(1);
  });
});
