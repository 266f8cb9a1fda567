import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from '../core/logger.ts';
import type { DeliveryStore } from '../store/ports.ts';
import { WebhookDeliveryError } from './errors.ts';
import { sendLeaseMs } from './delivery-lease.ts';
import { postWebhook, WEBHOOK_TIMEOUT_MS, type PostOutcome, type PostWebhookDeps } from './post-webhook.ts';
import { buildSlackBatchMessage, checkSlackLimits, MAX_STORIES_PER_SLACK_MESSAGE, type SlackStory } from './slack-message.ts';

/**
 * Posting to Slack incoming webhooks within Slack's limit of one message per second per webhook.
 * Deliveries for the same webhook URL share a lane: the lane takes a send slot (a conditional
 * write in the deliveries table, so every Lambda instance shares the pace), then posts everything
 * that queued up meanwhile as one message (up to {@link MAX_STORIES_PER_SLACK_MESSAGE} stories),
 * and every delivery in it gets that message's outcome.
 */

export interface SlackSenderDeps extends PostWebhookDeps {
  deliveries: Pick<DeliveryStore, 'claimSendSlot'>;
  log: Log;
}

export interface SlackSenderOptions {
  /** Least time between two messages to one webhook. Default 1,000 ms (Slack's limit). */
  intervalMs?: number;
  /** Longest a delivery waits for a slot before it is handed back to the queue. Default 15 s. */
  maxWaitMs?: number;
  timeoutMs?: number;
}

/** What Slack's answer means for the deliveries in the message. */
export type SlackOutcome =
  | { kind: 'ok'; httpStatus: number; stories: number }
  /** The webhook is gone or revoked: pause the channel. */
  | { kind: 'gone'; error: string }
  | { kind: 'rejected'; error: string }
  | { kind: 'refused'; error: string };

export interface SlackSender {
  /**
   * Queues one story for the webhook at `target` and resolves with the outcome of the message that
   * carried it; retryable failures reject. `hold`, when given, is called with the send's lease
   * once the slot is taken, right before the post: a story whose hold rejects is left out of it
   * and its send rejects with that error.
   */
  send(target: URL, story: SlackStory, who: string, hold?: (leaseMs: number) => Promise<void>): Promise<SlackOutcome>;
}

interface Pending {
  story: SlackStory;
  who: string;
  hold: ((leaseMs: number) => Promise<void>) | undefined;
  resolve(outcome: SlackOutcome): void;
  reject(error: unknown): void;
}

interface Lane {
  /** Key of the lane's pacing row: `slack#<sha256 of the URL>`. */
  key: string;
  target: URL;
  pending: Pending[];
  running: boolean;
}

/** Slack's answers (status and body) that mean the webhook will never work again. */
const GONE_STATUSES = new Set([404, 410]);
const GONE_CODES = new Set(['invalid_token', 'channel_not_found', 'channel_is_archived', 'no_service', 'no_active_hooks']);

export function createSlackSender(deps: SlackSenderDeps, options: SlackSenderOptions = {}): SlackSender {
  const intervalMs = options.intervalMs ?? 1000;
  const maxWaitMs = options.maxWaitMs ?? 15_000;
  const lanes = new Map<string, Lane>();

  async function waitForSlot(lane: Lane): Promise<void> {
    const started = Date.now();
    for (;;) {
      const slot = await deps.deliveries.claimSendSlot(lane.key, intervalMs);
      if (slot.granted) return;
      if (Date.now() - started + slot.waitMs > maxWaitMs) {
        throw new WebhookDeliveryError(
          `slack delivery deferred: the webhook's send slots are taken for ${Math.ceil(slot.waitMs / 1000)} s (host ${lane.target.host})`,
          {
            retryable: true,
            retryAfterSeconds: Math.ceil(slot.waitMs / 1000),
          },
        );
      }
      await sleep(slot.waitMs);
    }
  }

  async function drain(lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.pending.length > 0) {
        try {
          await waitForSlot(lane);
        } catch (error) {
          for (const pending of lane.pending.splice(0)) pending.reject(error);
          break;
        }
        // Everything that queued while we waited goes out together.
        const batch = await holdAll(lane.pending.splice(0, MAX_STORIES_PER_SLACK_MESSAGE));
        if (batch.length === 0) continue;
        try {
          const outcome = await post(lane.target, batch);
          for (const pending of batch) pending.resolve(outcome);
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      lane.running = false;
      if (lane.pending.length === 0) lanes.delete(lane.target.href);
    }
  }

  /** The stories whose delivery still holds its lease, renewed for the post; the others reject. */
  async function holdAll(batch: Pending[]): Promise<Pending[]> {
    const leaseMs = sendLeaseMs(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
    const held = await Promise.all(
      batch.map(async (pending) => {
        try {
          await pending.hold?.(leaseMs);
          return true;
        } catch (error) {
          pending.reject(error);
          return false;
        }
      }),
    );
    return batch.filter((_, i) => held[i]);
  }

  async function post(target: URL, batch: Pending[]): Promise<SlackOutcome> {
    const message = buildSlackBatchMessage(batch.map((pending) => pending.story));
    const problems = checkSlackLimits(message);
    if (problems.length > 0) {
      return { kind: 'rejected', error: `slack message failed: outside Block Kit limits: ${problems.join('; ')}` };
    }
    const who = batch.length === 1 ? batch[0]!.who : `${batch[0]!.who} and ${batch.length - 1} more`;
    const outcome: PostOutcome = await postWebhook(target, { body: JSON.stringify(message), headers: {} }, deps, {
      who,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    switch (outcome.kind) {
      case 'ok':
        if (batch.length > 1) deps.log.info('slack stories batched into one message', { host: target.host, stories: batch.length });
        return { kind: 'ok', httpStatus: outcome.httpStatus, stories: batch.length };
      case 'refused':
        return outcome;
      case 'rejected': {
        const code = outcome.body.trim().slice(0, 64);
        const error = `${outcome.error}${code ? `: ${code.replace(/[^\w.-]/g, '')}` : ''}`;
        const gone = GONE_STATUSES.has(outcome.httpStatus) || (outcome.httpStatus === 403 && GONE_CODES.has(code)) || GONE_CODES.has(code);
        return gone ? { kind: 'gone', error } : { kind: 'rejected', error };
      }
    }
  }

  return {
    send(target, story, who, hold) {
      let lane = lanes.get(target.href);
      if (!lane) {
        lane = { key: `slack#${createHash('sha256').update(target.href).digest('hex')}`, target, pending: [], running: false };
        lanes.set(target.href, lane);
      }
      const current = lane;
      return new Promise<SlackOutcome>((resolve, reject) => {
        current.pending.push({ story, who, hold, resolve, reject });
        if (!current.running) void drain(current);
      });
    },
  };
}
