/**
 * Pipeline outcomes, one per thing that happened. Handlers report them through `Deps.events`; in
 * Lambda they become the log lines (one per outcome: the code that reports an event does not log
 * it again), in one-process mode the runtime prints them live and the demo counts them for its
 * summary.
 */
export type PipelineEvent =
  | {
      type: 'feed-polled';
      feedId: string;
      url: string;
      status: 'ok' | 'not-modified' | 'error';
      items: number;
      new: number;
      duplicates: number;
      /** Entries left out, by reason (status ok; only when there were). */
      skipped?: Record<string, number>;
      error?: string;
      /** Failures in a row, and when the feed is polled again (status error). */
      consecutiveErrors?: number;
      nextPollAt?: string;
      /** `push`: a verified WebSub push brought the document (no fetch); absent for polls. */
      via?: 'push';
    }
  | {
      type: 'alert';
      storyId: string;
      feedId: string;
      title: string;
      link: string | null;
      topics: { topic: string; score: number; matched: string[] }[];
    }
  | {
      type: 'delivered';
      channel: 'webhook' | 'email';
      subscriberId: string;
      /** The story; for a digest, `digest:<due time>`. */
      storyId: string;
      /** The delivery's idempotency key (its row in the deliveries table). */
      deliveryKey: string;
      target: string;
      /** Stories in the message when it carried more than one (a digest, a Slack batch). */
      stories?: number;
      /**
       * When the item was published (its feed's date, else when it was first seen); absent for
       * digests and for messages queued before the field existed.
       */
      publishedAt?: string;
      /** The receiver's answer (webhooks). */
      httpStatus?: number;
      /** The mail transport's id of the message (SES MessageId, SMTP reply, outbox file). */
      transportId?: string;
    }
  | {
      type: 'delivery-skipped';
      channel: 'webhook' | 'email';
      subscriberId: string;
      storyId: string;
      deliveryKey: string;
      reason: 'already-sent' | 'subscriber-missing' | 'subscriber-inactive' | 'channel-removed' | 'channel-paused' | 'channel-unsubscribed';
    }
  /**
   * A duplicate of a delivery another attempt holds right now (its lease is live): nothing sent,
   * no attempt counted; the message comes back after `retryInSeconds` (the queue's visibility
   * timeout when the delay could not be set) to find the delivery sent, or to take it over.
   */
  | {
      type: 'delivery-deferred';
      channel: 'webhook' | 'email';
      subscriberId: string;
      storyId: string;
      deliveryKey: string;
      reason: 'busy';
      /** The message's receive count (1 on the first). */
      attempt: number;
      retryInSeconds?: number;
    }
  /**
   * A delivery attempt failed. `permanent: false`: SQS receives the message again (after
   * `retryInSeconds` when the consumer set a delay). `permanent: true`: no more attempts, either
   * recorded as failed at once or, with `deadLettered`, its last receive failed and SQS moves it to
   * the dead-letter queue.
   */
  | {
      type: 'delivery-failed';
      channel: 'webhook' | 'email';
      subscriberId: string;
      storyId: string;
      deliveryKey: string;
      error: string;
      permanent: boolean;
      /** The message's receive count (1 on the first attempt), when a queue consumer reported it. */
      attempt?: number;
      retryInSeconds?: number;
      deadLettered?: boolean;
    }
  /** A channel taken out of delivery by the system (its receiver is gone or keeps refusing). */
  | { type: 'channel-paused'; channel: 'webhook' | 'email'; subscriberId: string; channelId: string; reason: string }
  /**
   * SES feedback on an email (a bounce or a complaint) and what it did: paused the channel, found
   * it paused already, left it (a transient bounce, an address changed since), or found no
   * channel it belongs to.
   */
  | {
      type: 'email-feedback';
      feedback: 'bounce' | 'complaint';
      bounceType?: 'Permanent' | 'Transient' | 'Undetermined';
      outcome: 'paused' | 'already-paused' | 'not-paused' | 'unmatched';
      subscriberId?: string;
      channelId?: string;
      /** Why nothing was paused: the bounce kind, a changed address, or no channel matched. */
      why?: string;
      /** SES's message id, for an unmatched notification (to find the email). */
      messageId?: string;
      /** The channel's state, when it was already paused or unsubscribed. */
      state?: string;
    }
  /** A channel's owner unsubscribed (one-click link). */
  | { type: 'unsubscribed'; subscriberId: string; channelId: string }
  /** A digest email was queued for a channel. */
  | { type: 'digest-queued'; subscriberId: string; channelId: string; stories: number; dueAt: string }
  /**
   * An email of the subscribe flow went to the mail transport: the double opt-in confirmation,
   * or the notice with the manage link when the address was subscribed already. No address: the
   * subscriber id names whose it is.
   */
  | { type: 'subscription-email'; kind: 'confirmation' | 'already-subscribed'; subscriberId: string; messageId: string }
  /**
   * WebSub: a subscription asked for, verified, refused or denied by its hub, judged silent (a
   * safety poll found what no push brought); a push accepted or refused (unsigned, badly signed,
   * for no subscription); a verification refused (a topic or mode we never asked for). `hub` is
   * the hub's host; no secret, signature or body is ever carried.
   */
  | {
      type: 'websub';
      feedId: string;
      hub: string;
      action:
        | 'subscribe-requested'
        | 'subscribe-refused'
        | 'verified'
        | 'unsubscribe-verified'
        | 'denied'
        | 'silent'
        | 'push-accepted'
        | 'push-refused'
        | 'verification-refused';
      reason?: string;
      /** Lease end, once verified. */
      leaseExpiresAt?: string;
    }
  /** A stored subscriber is unusable (e.g. its filter query no longer compiles); it was skipped. */
  | { type: 'subscriber-error'; subscriberId: string; error: string };

export interface EventSink {
  emit(event: PipelineEvent): void;
}

/** Sends each event to every sink, in order. */
export function combineEventSinks(...sinks: EventSink[]): EventSink {
  return {
    emit(event) {
      for (const sink of sinks) sink.emit(event);
    },
  };
}

/** Discards events: for tests that do not look at them. */
export const nullEventSink: EventSink = { emit() {} };
