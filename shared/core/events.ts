/**
 * Pipeline outcomes, one per thing that happened. Handlers report them through `Deps.events`; in
 * Lambda they become log lines, in one-process mode the runtime prints them live and the demo
 * counts them for its summary.
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
      error?: string;
    }
  | { type: 'alert'; storyId: string; feedId: string; title: string; link: string | null; topics: { topic: string; score: number; matched: string[] }[] }
  | {
      type: 'delivered';
      channel: 'webhook' | 'email';
      subscriberId: string;
      /** The story; for a digest, `digest:<due time>`. */
      storyId: string;
      target: string;
      /** Stories in the message when it carried more than one (a digest, a Slack batch). */
      stories?: number;
    }
  | {
      type: 'delivery-skipped';
      channel: 'webhook' | 'email';
      subscriberId: string;
      storyId: string;
      reason: 'already-sent' | 'subscriber-missing' | 'subscriber-inactive' | 'channel-removed' | 'channel-paused' | 'channel-unsubscribed';
    }
  | { type: 'delivery-failed'; channel: 'webhook' | 'email'; subscriberId: string; storyId: string; error: string; permanent: boolean }
  /** A channel taken out of delivery by the system (its receiver is gone or keeps refusing). */
  | { type: 'channel-paused'; channel: 'webhook' | 'email'; subscriberId: string; channelId: string; reason: string }
  /** A channel's owner unsubscribed (one-click link). */
  | { type: 'unsubscribed'; subscriberId: string; channelId: string }
  /** A digest email was queued for a channel. */
  | { type: 'digest-queued'; subscriberId: string; channelId: string; stories: number; dueAt: string }
  /** A stored subscriber is unusable (e.g. its filter query no longer compiles); it was skipped. */
  | { type: 'subscriber-error'; subscriberId: string; error: string };

export interface EventSink {
  emit(event: PipelineEvent): void;
}

/** Discards events: for tests that do not look at them. */
export const nullEventSink: EventSink = { emit() {} };
