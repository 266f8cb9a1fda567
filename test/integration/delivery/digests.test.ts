import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../shared/core/clock.ts';
import { type DigestMessage, digestMessageSchema } from '../../../shared/digest/digest-message.ts';
import { deliverDigest, digestDueMessageSchema, queueDueDigests, sendQueuedDigest } from '../../../shared/digest/index.ts';
import type { SendDigestsDeps } from '../../../shared/digest/send-digests.ts';
import { fanOut } from '../../../shared/fanout/fan-out.ts';
import { createSmtpMailer } from '../../../shared/mail/smtp-mailer.ts';
import type { AlertMessage } from '../../../shared/messages/schemas.ts';
import { deliveryMessage, subscriber } from '../../unit/delivery/fixtures.ts';
import { parseMessage } from './mime-parts.ts';
import { type PipelineEngines, startPipelineEngines } from './pipeline-engines.ts';
import { startSmtpListener } from './smtp-listener.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';

/** Digests from fan-out to SMTP against dynalite, fauxqs and a real SMTP listener. */

let engines: PipelineEngines;
let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let now = new Date('2025-02-24T10:00:00Z');
const clock: Clock = { now: () => now };
const compose = {
  from: 'alerts@example.org',
  publicBaseUrl: 'https://alerts.example.org',
  tokenKeys: createKeyRing({ current: 'digest-integration-secret-0123456789' }),
};

function alert(n: number, topic: 'talks' | 'sanctions'): AlertMessage {
  const base = deliveryMessage();
  return {
    version: 1,
    storyId: `dg-story-${n}`,
    item: { ...base.item, itemKey: `f#${n}`, title: `Digest story ${n}`, published: new Date(Date.UTC(2025, 1, 24, 8, n)).toISOString() },
    topics: [{ topic, label: topic === 'talks' ? 'Talks' : 'Sanctions', score: 0.8, matched: [] }],
  };
}

beforeAll(async () => {
  smtp = await startSmtpListener();
  engines = await startPipelineEngines({ mailer: createSmtpMailer(smtp.url) });
});

afterAll(async () => {
  await engines?.stop();
  await smtp?.stop();
});

beforeEach(() => {
  smtp.mails.length = 0;
});

function deps(overrides: Partial<SendDigestsDeps> = {}): SendDigestsDeps {
  return { ...engines.deps, clock, ...overrides };
}

/** One send-digests run, then compose-digest on each message it queued (once each, in order). */
async function runDigests(d: SendDigestsDeps = deps()) {
  const planned = await queueDueDigests(
    { digests: d.digests, queue: engines.deps.queue, clock: d.clock, log: d.log },
    { budgetMs: 20_000 },
  );
  const messages = await drainDigestQueue();
  const outcomes = [];
  for (const message of messages) outcomes.push(await sendQueuedDigest(message, d));
  return { queued: planned.queued, outcomes };
}

async function drainDigestQueue() {
  return ((await engines.drain('digest')) as unknown[]).map((body) => digestDueMessageSchema.parse(body));
}

async function deliverQueued(): Promise<DigestMessage[]> {
  const queued = ((await engines.drain('email')) as unknown[]).map((body) => digestMessageSchema.parse(body));
  // The delivery store keeps real time (its markers expire by it): deliver on the real clock.
  for (const message of queued) await deliverDigest(message, engines.deps, compose);
  return queued;
}

describe('send-digests', () => {
  it('sends nothing before the digest is due, then one email with every story of the window', async () => {
    now = new Date('2025-02-24T10:00:00Z');
    await engines.deps.subscriptions.putSubscriber(
      subscriber({
        subscriberId: 'dg-reader',
        topics: ['talks', 'sanctions'],
        channels: [{ kind: 'email', channelId: 'mail', address: 'dg@example.org' }],
        cadence: { mail: 'daily' },
        deliveryHour: 9,
      }),
    );
    for (const [n, topic] of [
      [1, 'talks'],
      [2, 'sanctions'],
      [3, 'sanctions'],
    ] as const)
      await fanOut(alert(n, topic), { ...engines.deps, clock });
    await engines.drain('webhook');

    const early = await runDigests(deps({ clock: { now: () => new Date('2025-02-25T08:59:00Z') } }));
    now = new Date('2025-02-25T09:01:00Z');
    const due = await runDigests();
    const messages = await deliverQueued();
    const again = await runDigests();

    expect(early).toEqual({ queued: 0, outcomes: [] });
    expect(due).toEqual({ queued: 1, outcomes: [{ kind: 'queued', stories: 3 }] });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.stories.map((s) => s.storyId)).toEqual(['dg-story-3', 'dg-story-2', 'dg-story-1']);
    expect(again).toEqual({ queued: 0, outcomes: [] });
    expect(smtp.mails).toHaveLength(1);
    const mail = parseMessage(smtp.mails[0]!.raw);
    expect(mail.headers.get('subject')).toBe('[news-alerts] Daily digest: 3 stories (Sanctions, Talks)');
    expect(mail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('does not send a digest twice when compose-digest is interrupted between queueing it and recording it', async () => {
    now = new Date('2025-02-26T10:00:00Z');
    await fanOut(alert(4, 'talks'), { ...engines.deps, clock });
    await engines.drain('webhook');
    now = new Date('2025-02-27T09:30:00Z');
    const planned = await queueDueDigests(
      { digests: engines.deps.digests, queue: engines.deps.queue, clock, log: engines.deps.log },
      { budgetMs: 20_000 },
    );
    const [message, ...others] = await drainDigestQueue();

    // The process dies after the email is queued, before the entries are marked sent; SQS then
    // hands the digest-due message to compose-digest again.
    const crashing = { ...engines.deps.digests, markEntriesSent: async () => Promise.reject(new Error('process killed')) };
    const interrupted = sendQueuedDigest(message!, deps({ digests: crashing }));
    await expect(interrupted).rejects.toThrow('process killed');
    const retried = await sendQueuedDigest(message!, deps());
    const queued = await deliverQueued();

    expect(planned.queued).toBe(1);
    expect(others).toEqual([]);
    expect(retried).toEqual({ kind: 'queued', stories: 1 });
    // Both attempts queued the same window: the same deliveryKey, so one email.
    expect(queued).toHaveLength(2);
    expect(queued[0]!.deliveryKey).toBe(queued[1]!.deliveryKey);
    expect(smtp.mails).toHaveLength(1);
  });

  it('keeps later stories for the next window, and drops the digest of a channel that unsubscribed', async () => {
    now = new Date('2025-03-01T10:00:00Z');
    await fanOut(alert(5, 'sanctions'), { ...engines.deps, clock });
    await engines.drain('webhook');
    await engines.deps.subscriptions.updateStatus('dg-reader', {
      channelStatus: { mail: { state: 'unsubscribed', reason: 'one-click unsubscribe', at: now.toISOString() } },
    });
    now = new Date('2025-03-02T09:30:00Z');

    const summary = await runDigests();

    expect(summary).toEqual({ queued: 1, outcomes: [{ kind: 'dropped' }] });
    expect(await engines.drain('email')).toEqual([]);
    expect(await engines.deps.digests.getHead('dg-reader', 'mail')).toBeUndefined();
  });

  it('through the digest queue: send-digests queues each due digest once (leased), compose-digest sends it once', async () => {
    // Prepare: three readers with a story waiting in their daily digest
    now = new Date('2025-03-03T10:00:00Z');
    for (const id of ['dq-1', 'dq-2', 'dq-3']) {
      await engines.deps.subscriptions.putSubscriber(
        subscriber({
          subscriberId: id,
          topics: ['sanctions'],
          channels: [{ kind: 'email', channelId: 'mail', address: `${id}@example.org` }],
          cadence: { mail: 'daily' },
          deliveryHour: 9,
        }),
      );
    }
    await fanOut(alert(6, 'sanctions'), { ...engines.deps, clock });
    await engines.drain('webhook');
    now = new Date('2025-03-04T09:30:00Z');
    const planner = { digests: engines.deps.digests, queue: engines.deps.queue, clock, log: engines.deps.log };

    // Act: two planner runs (the second while the first's messages wait), then the consumer,
    // which gets one of the messages twice (SQS is at-least-once)
    const first = await queueDueDigests(planner, { budgetMs: 20_000, pageSize: 1 });
    const second = await queueDueDigests(planner, { budgetMs: 20_000 });
    const queued = ((await engines.drain('digest')) as unknown[]).map((body) => digestDueMessageSchema.parse(body));
    const outcomes = [];
    for (const message of [...queued, queued[0]!]) outcomes.push((await sendQueuedDigest(message, deps())).kind);
    const emails = await deliverQueued();

    // Assess
    const mine = queued.filter((m) => m.subscriberId.startsWith('dq-'));
    expect(first.queued).toBeGreaterThanOrEqual(3);
    expect(first.shards).toBe(engines.deps.digests.dueShards);
    expect(second.queued).toBe(0);
    expect(mine.map((m) => m.subscriberId).sort()).toEqual(['dq-1', 'dq-2', 'dq-3']);
    expect(outcomes.at(-1)).toBe('stale');
    expect(
      emails
        .filter((m) => m.subscriberId.startsWith('dq-'))
        .map((m) => m.subscriberId)
        .sort(),
    ).toEqual(['dq-1', 'dq-2', 'dq-3']);
    for (const id of ['dq-1', 'dq-2', 'dq-3']) expect(await engines.deps.digests.getHead(id, 'mail')).toBeUndefined();
  });
});
