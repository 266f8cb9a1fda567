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
  | { type: 'delivered'; channel: 'webhook' | 'email'; subscriberId: string; storyId: string; target: string }
  | { type: 'delivery-skipped'; channel: 'webhook' | 'email'; subscriberId: string; storyId: string; reason: 'already-sent' | 'subscriber-missing' | 'subscriber-inactive' | 'channel-removed' }
  | { type: 'delivery-failed'; channel: 'webhook' | 'email'; subscriberId: string; storyId: string; error: string; permanent: boolean };

export interface EventSink {
  emit(event: PipelineEvent): void;
}

/** Discards events: for tests that do not look at them. */
export const nullEventSink: EventSink = { emit() {} };
