import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestEntry } from '../../../shared/store/ports.ts';
import { subscriber } from '../../unit/delivery/fixtures.ts';
import { deliveryMessage } from '../../unit/delivery/fixtures.ts';
import { startPipelineEngines, type PipelineEngines } from './pipeline-engines.ts';

/** The delivery issue's additions to the DynamoDB adapters, against dynalite. */

let engines: PipelineEngines;

beforeAll(async () => {
  engines = await startPipelineEngines();
});

afterAll(async () => {
  await engines?.stop();
});

describe('subscription store: statuses', () => {
  it('pauses and resumes one channel on every topic row, leaving the rest of the subscriber alone', async () => {
    const store = engines.deps.subscriptions;
    await store.putSubscriber(subscriber({ subscriberId: 'status-1', topics: ['talks', 'sanctions'], filter: 'Iran' }));

    const changed = await store.updateStatus('status-1', {
      channelStatus: { 'hook-1': { state: 'paused', reason: 'HTTP 410', at: '2025-02-24T10:00:00Z' } },
    });
    const talks = (await store.pageByTopic('talks', { limit: 100 })).subscribers.find((s) => s.subscriberId === 'status-1');
    const sanctions = (await store.pageByTopic('sanctions', { limit: 100 })).subscribers.find((s) => s.subscriberId === 'status-1');
    await store.updateStatus('status-1', { channelStatus: { 'hook-1': null } });

    expect(changed).toBe(true);
    expect(talks?.channelStatus?.['hook-1']?.reason).toBe('HTTP 410');
    expect(sanctions?.channelStatus?.['hook-1']?.state).toBe('paused');
    expect(sanctions?.filter).toBe('Iran');
    expect((await store.getSubscriber('status-1'))?.channelStatus).toEqual({});
    expect(await store.updateStatus('nobody', { state: 'paused' })).toBe(false);
  });

  it('keeps an unsubscribed channel when the same subscriber is written again, unless its target changed', async () => {
    const store = engines.deps.subscriptions;
    const email = { kind: 'email' as const, channelId: 'mail', address: 'keep@example.org' };
    await store.putSubscriber(subscriber({ subscriberId: 'status-2', channels: [email] }));
    await store.updateStatus('status-2', {
      channelStatus: { mail: { state: 'unsubscribed', reason: 'one-click unsubscribe', at: '2025-02-24T10:00:00Z' } },
    });

    // A config re-apply writes the subscriber again, without statuses.
    await store.putSubscriber(subscriber({ subscriberId: 'status-2', channels: [email], minScore: 0.5 }));
    const kept = await store.getSubscriber('status-2');
    await store.putSubscriber(subscriber({ subscriberId: 'status-2', channels: [{ ...email, address: 'new@example.org' }] }));
    const changedAddress = await store.getSubscriber('status-2');

    expect(kept?.minScore).toBe(0.5);
    expect(kept?.channelStatus?.mail?.state).toBe('unsubscribed');
    expect(changedAddress?.channelStatus?.mail).toBeUndefined();
  });
});

describe('delivery store: attempts, pacing, channel health', () => {
  it('records attempts for dlq list, and keeps them when the delivery is sent', async () => {
    const store = engines.deps.deliveries;
    await store.begin('d#attempts', 2_000_000_000, { owner: 'attempt-1', leaseMs: 10_000 });
    await store.recordAttempt('d#attempts', { at: '2025-02-24T10:00:00Z', error: 'HTTP 503', attempt: 3 });

    expect(await store.getDelivery('d#attempts')).toEqual({
      deliveryKey: 'd#attempts',
      status: 'in-progress',
      attempts: 3,
      lastError: 'HTTP 503',
      lastAttemptAt: '2025-02-24T10:00:00Z',
    });
    expect((await store.begin('d#attempts', 2_000_000_000, { owner: 'attempt-2', leaseMs: 10_000 })).status).toBe('busy');
    expect(await store.getDelivery('d#absent')).toBeUndefined();
  });

  it('grants one send slot per interval per lane, and says how long to wait', async () => {
    const store = engines.deps.deliveries;
    const first = await store.claimSendSlot('lane-a', 60_000);
    const second = await store.claimSendSlot('lane-a', 60_000);
    const otherLane = await store.claimSendSlot('lane-b', 60_000);

    expect(first).toEqual({ granted: true });
    expect(second.granted).toBe(false);
    expect(second.granted === false && second.waitMs).toBeGreaterThan(50_000);
    expect(otherLane).toEqual({ granted: true });
  });

  it('counts permanent failures of a channel within the window, and starts over after it', async () => {
    const store = engines.deps.deliveries;
    const counts = [];
    for (let i = 0; i < 3; i++)
      counts.push(await store.countChannelFailure('sub#hook', { at: `2025-02-24T10:0${i}:00Z`, windowSeconds: 3600 }));
    const nextDay = await store.countChannelFailure('sub#hook', { at: '2025-02-25T12:00:00Z', windowSeconds: 3600 });
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => store.countChannelFailure('sub#other', { at: '2025-02-24T10:00:00Z', windowSeconds: 3600 })),
    );

    expect(counts).toEqual([1, 2, 3]);
    expect(nextDay).toBe(1);
    expect(concurrent.sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('digest store', () => {
  const entry = (storyId: string, addedAt: string, subscriberId = 'dig-1'): DigestEntry => {
    const base = deliveryMessage();
    return { subscriberId, channelId: 'mail', storyId, addedAt, item: base.item, topics: base.topics };
  };

  it('adds a story once, keeps the first due time, and finds due digests by index', async () => {
    const store = engines.deps.digests;
    const first = await store.addEntry(entry('s1', '2025-02-24T10:00:00.000Z'), { cadence: 'daily', dueAt: '2025-02-25T08:00:00.000Z' });
    const again = await store.addEntry(entry('s1', '2025-02-24T10:05:00.000Z'), { cadence: 'daily', dueAt: '2025-02-25T08:00:00.000Z' });
    await store.addEntry(entry('s2', '2025-02-24T11:00:00.000Z'), { cadence: 'daily', dueAt: '2025-02-26T08:00:00.000Z' });
    await store.addEntry(entry('x1', '2025-02-24T11:00:00.000Z', 'dig-later'), { cadence: 'weekly', dueAt: '2025-03-03T08:00:00.000Z' });

    const dueAt = async (now: Date) => {
      const pages = await Promise.all(Array.from({ length: store.dueShards }, (_, shard) => store.pageDue(shard, now, { limit: 100 })));
      return pages.flatMap((page) => page.heads);
    };
    const dueBefore = await dueAt(new Date('2025-02-25T07:59:00Z'));
    const due = await dueAt(new Date('2025-02-25T08:00:00Z'));

    expect([first, again]).toEqual(['added', 'exists']);
    expect(dueBefore.filter((h) => h.subscriberId.startsWith('dig-'))).toEqual([]);
    expect(due.filter((h) => h.subscriberId.startsWith('dig-'))).toEqual([
      expect.objectContaining({ subscriberId: 'dig-1', channelId: 'mail', cadence: 'daily', dueAt: '2025-02-25T08:00:00.000Z' }),
    ]);
    expect((await store.listEntries('dig-1', 'mail', 10)).map((e) => e.storyId)).toEqual(['s1', 's2']);
  });

  it('keeps sent entries as tombstones that refuse the same story, and closes or moves the window', async () => {
    const store = engines.deps.digests;
    await store.addEntry(entry('t1', '2025-02-24T10:00:00.000Z', 'dig-2'), { cadence: 'hourly', dueAt: '2025-02-24T11:00:00.000Z' });
    await store.addEntry(entry('t2', '2025-02-24T11:30:00.000Z', 'dig-2'), { cadence: 'hourly', dueAt: '2025-02-24T11:00:00.000Z' });
    const head = (await store.getHead('dig-2', 'mail'))!;

    await store.markEntriesSent('dig-2', 'mail', ['t1'], '2025-02-24T11:01:00.000Z');
    const readded = await store.addEntry(entry('t1', '2025-02-24T11:02:00.000Z', 'dig-2'), {
      cadence: 'hourly',
      dueAt: '2025-02-24T12:00:00.000Z',
    });
    const moved = await store.closeWindow(head, { remaining: true, nextDueAt: '2025-02-24T12:00:00.000Z' });
    const movedHead = (await store.getHead('dig-2', 'mail'))!;
    await store.markEntriesSent('dig-2', 'mail', ['t2'], '2025-02-24T12:01:00.000Z');
    const removed = await store.closeWindow(movedHead, { remaining: false, nextDueAt: '2025-02-24T13:00:00.000Z' });

    expect(readded).toBe('exists');
    expect(moved).toBe('rescheduled');
    expect(movedHead.dueAt).toBe('2025-02-24T12:00:00.000Z');
    expect(removed).toBe('removed');
    expect(await store.getHead('dig-2', 'mail')).toBeUndefined();
    expect(await store.listEntries('dig-2', 'mail', 10)).toEqual([]);
  });

  it('does not drop a head that an entry touched after it was read', async () => {
    const store = engines.deps.digests;
    await store.addEntry(entry('u1', '2025-02-24T10:00:00.000Z', 'dig-3'), { cadence: 'hourly', dueAt: '2025-02-24T11:00:00.000Z' });
    const stale = (await store.getHead('dig-3', 'mail'))!;
    await store.addEntry(entry('u2', '2025-02-24T11:10:00.000Z', 'dig-3'), { cadence: 'hourly', dueAt: '2025-02-24T12:00:00.000Z' });

    const outcome = await store.closeWindow(stale, { remaining: false, nextDueAt: '2025-02-24T12:00:00.000Z' });

    expect(outcome).toBe('rescheduled');
    expect((await store.getHead('dig-3', 'mail'))?.dueAt).toBe('2025-02-24T12:00:00.000Z');
  });
});
