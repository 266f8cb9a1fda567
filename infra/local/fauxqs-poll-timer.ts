/**
 * fauxqs's long polls wake when something can become receivable, not every 20 ms. While a
 * ReceiveMessage waits on a queue, fauxqs runs the queue's `processTimers` (which makes messages
 * whose visibility ran out, or whose delay ended, receivable again, and wakes the waiters) on a
 * 20 ms interval. The runtime's loops long-poll each consumed queue for a second at a time, so an
 * idle `npm start` woke fauxqs 250 times a second: about 7 ms of CPU a second, most of its idle
 * cost. A send, a visibility set to 0 and a FIFO group's release wake waiters at once by
 * themselves; only the deadlines need the timer.
 *
 * Here the timer is set for the earliest deadline among the queue's in-flight and delayed
 * messages, and at least every 250 ms: a message received, delayed or given a new visibility
 * while a poll waits has a deadline whole seconds away, which the next check finds in time (only
 * one received with a visibility timeout of 0 may wait up to 250 ms instead of 20). A message is
 * then receivable by a waiting poll when its deadline passes, as before.
 * Installed on fauxqs's queue class (`SqsQueue` in dist/sqs/sqsStore.js, fauxqs-modules.ts),
 * once per process.
 */
import { importFauxqsModule } from './fauxqs-modules.ts';

/** The longest wait between two checks of a queue's deadlines while a receive waits on it. */
const CHECK_AT_LEAST_EVERY_MS = 250;

interface Deadlined {
  visibilityDeadline: number;
}

interface Delayed {
  delayUntil?: number;
}

/** The part of fauxqs's `SqsQueue` the timer reads and sets. */
interface PolledQueue {
  pollWaiters: unknown[];
  pollTimer: ReturnType<typeof setTimeout> | undefined;
  inflightMessages: Map<string, Deadlined>;
  delayedMessages: Delayed[];
  fifoDelayed: Map<string, Delayed[]>;
  processTimers(): void;
  startPollTimerIfNeeded(): void;
}

interface SqsStoreModule {
  SqsQueue: { prototype: PolledQueue };
}

let installed: Promise<void> | undefined;

/** Replaces fauxqs's 20 ms poll interval with a timer at the queue's next deadline (see above); safe to call again. */
export function useDeadlinePollTimer(): Promise<void> {
  installed ??= (async () => {
    const { SqsQueue } = (await importFauxqsModule('./sqs/sqsStore.js')) as unknown as SqsStoreModule;
    if (typeof SqsQueue?.prototype?.startPollTimerIfNeeded !== 'function') {
      throw new Error('fauxqs could not be started: its queue class has no startPollTimerIfNeeded (sqs/sqsStore.js)');
    }
    SqsQueue.prototype.startPollTimerIfNeeded = function startDeadlineTimer(this: PolledQueue) {
      if (!this.pollTimer) checkLater(this);
    };
  })();
  return installed;
}

/**
 * Sets the queue's timer for its next deadline. fauxqs clears it (`clearInterval` clears a
 * timeout too) once no receive waits; a check that leaves receives waiting sets the next one.
 */
function checkLater(queue: PolledQueue): void {
  const timer = setTimeout(() => {
    if (queue.pollTimer === timer) queue.pollTimer = undefined;
    queue.processTimers();
    if (queue.pollWaiters.length > 0 && !queue.pollTimer) checkLater(queue);
  }, untilNextDeadline(queue));
  queue.pollTimer = timer;
}

function untilNextDeadline(queue: PolledQueue): number {
  const now = Date.now();
  let next = now + CHECK_AT_LEAST_EVERY_MS;
  for (const entry of queue.inflightMessages.values()) if (entry.visibilityDeadline < next) next = entry.visibilityDeadline;
  for (const message of queue.delayedMessages) if (message.delayUntil !== undefined && message.delayUntil < next) next = message.delayUntil;
  for (const group of queue.fifoDelayed.values()) {
    for (const message of group) if (message.delayUntil !== undefined && message.delayUntil < next) next = message.delayUntil;
  }
  // processTimers takes what is due at `<= now`: one millisecond past the deadline, never a busy loop.
  return Math.max(1, next - now + 1);
}
