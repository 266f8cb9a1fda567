import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdleDetector } from '../../infra/local/idle-detection.ts';
import { createScheduler } from '../../infra/local/scheduler.ts';
import type { SqsClient } from '../../shared/queue/sqs/sqs-client.ts';
import { createCapturingLog } from '../helpers/capturing-log.ts';
import { createQueues, type ProvisionedQueues, startFauxqs, type TestFauxqs, uniquePrefix } from '../helpers/engines.ts';

let fauxqs: TestFauxqs;
let queues: ProvisionedQueues;
beforeAll(async () => {
  fauxqs = await startFauxqs();
  queues = await createQueues(fauxqs.queues, { prefix: uniquePrefix('idle') });
});
afterAll(async () => {
  await fauxqs?.stop();
});

/** The runtime's SQS client, with every request it sends noted (operation and queue). */
function notingClient(requests: string[]): SqsClient {
  return {
    call(operation, input) {
      requests.push(`${operation} ${String((input as { QueueUrl?: string }).QueueUrl)}`);
      return fauxqs.queues.call(operation, input);
    },
    destroy() {},
  };
}

describe('createIdleDetector', () => {
  it('looks only at the queues the loops consume: a dead letter keeps nothing busy', async () => {
    // Prepare: a dead letter waiting, nothing anywhere else.
    await fauxqs.queues.call('SendMessage', { QueueUrl: queues.alert.dlqUrl, MessageBody: '{"dead":true}' });
    const requests: string[] = [];
    const detector = createIdleDetector({
      sqs: notingClient(requests),
      queues,
      loops: new Map(),
      scheduler: createScheduler([], createCapturingLog()),
    });

    // Act
    await detector.waitForIdle({ timeoutMs: 5_000 });

    // Assess: idle, two looks of one request per queue, none at a dead-letter queue.
    const dlqUrls = new Set(Object.values(queues).map((queue) => queue.dlqUrl));
    expect(requests).toHaveLength(2 * Object.keys(queues).length);
    expect(requests.every((request) => request.startsWith('GetQueueAttributes '))).toBe(true);
    expect(requests.some((request) => dlqUrls.has(request.split(' ')[1] ?? ''))).toBe(false);
    expect((await detector.queueDepths()).alert.deadLetters.visible).toBe(1);
  });

  it('answers the counts its last look found: a message waiting out its visibility timeout, with no request more', async () => {
    // Prepare: queues of its own, one message received and not deleted (as after a failed attempt).
    const own = await createQueues(fauxqs.queues, { prefix: uniquePrefix('idle-counts') });
    await fauxqs.queues.call('SendMessage', { QueueUrl: own.alert.url, MessageBody: '{"failed":true}' });
    await fauxqs.queues.call('ReceiveMessage', { QueueUrl: own.alert.url, VisibilityTimeout: 60 });
    const requests: string[] = [];
    const detector = createIdleDetector({
      sqs: notingClient(requests),
      queues: own,
      loops: new Map(),
      scheduler: createScheduler([], createCapturingLog()),
    });

    // Act
    const counts = await detector.waitForIdle({ timeoutMs: 5_000 });

    // Assess: the waiting message counted, from the two looks' requests alone.
    expect(counts.alert).toEqual({ visible: 0, notVisible: 1, delayed: 0 });
    expect(Object.keys(counts).sort()).toEqual(Object.keys(own).sort());
    expect(requests).toHaveLength(2 * Object.keys(own).length);
  });

  it('is not idle while a queue the loops consume holds a message', async () => {
    await fauxqs.queues.call('SendMessage', { QueueUrl: queues.email.url, MessageBody: '{"waiting":true}' });
    const detector = createIdleDetector({
      sqs: fauxqs.queues,
      queues,
      loops: new Map(),
      scheduler: createScheduler([], createCapturingLog()),
    });
    await expect(detector.waitForIdle({ timeoutMs: 300 })).rejects.toThrow('did not become idle');
  });
});
