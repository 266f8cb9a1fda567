/**
 * fauxqs's long polls with the deadline timer (infra/local/fauxqs-poll-timer.ts), on a real fauxqs
 * through the runtime's client: a waiting receive still gets a message as soon as its visibility
 * runs out or its delay ends, and a receive waiting on an empty queue no longer wakes the queue
 * every 20 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFauxqsEngine, type FauxqsEngine } from '../../../infra/local/engines.ts';
import { createSqsClient, type SqsClient } from '../../../shared/queue/sqs/sqs-client.ts';

interface QueueClass {
  prototype: { processTimers(): void };
}

describe('fauxqs long polls woken by deadlines', () => {
  let engine: FauxqsEngine;
  let sqs: SqsClient;

  beforeAll(async () => {
    engine = await startFauxqsEngine();
    sqs = createSqsClient({ transport: engine.directTransport });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  async function queue(name: string): Promise<string> {
    return String((await sqs.call('CreateQueue', { QueueName: name })).QueueUrl);
  }

  it('hands a waiting receive the message whose visibility runs out during its wait', async () => {
    // Prepare
    const QueueUrl = await queue('visibility-runs-out');
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'again' });
    const first = await sqs.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 1 });
    const started = Date.now();

    // Act
    const second = await sqs.call('ReceiveMessage', {
      QueueUrl,
      WaitTimeSeconds: 10,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });

    // Assess
    expect(first.Messages?.map((m) => m.Body)).toEqual(['again']);
    expect(second.Messages).toMatchObject([{ Body: 'again', Attributes: { ApproximateReceiveCount: '2' } }]);
    // Woken by the deadline (1 s), not by the end of the 10 s wait.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('hands a waiting receive the message whose delay ends during its wait', async () => {
    // Prepare
    const QueueUrl = await queue('delay-ends');
    const started = Date.now();
    const receiving = sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 10 });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 1 });
    const received = await receiving;

    // Assess
    expect(received.Messages?.map((m) => m.Body)).toEqual(['later']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('checks an idle queue a few times a second while a receive waits, not every 20 ms', async () => {
    // Prepare
    const QueueUrl = await queue('idle');
    const storeUrl = new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs'));
    const { SqsQueue } = (await import(storeUrl.href)) as { SqsQueue: QueueClass };
    const processTimers = SqsQueue.prototype.processTimers;
    let checks = 0;
    SqsQueue.prototype.processTimers = function counted(this: unknown) {
      checks++;
      return processTimers.call(this);
    };

    try {
      // Act
      const received = await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 2 });

      // Assess
      expect(received.Messages).toBeUndefined();
      // Two receives' own checks (before and after the wait) and one every 250 ms at most: the 20 ms interval made ~100.
      expect(checks).toBeLessThanOrEqual(2 + 9);
      expect(checks).toBeGreaterThanOrEqual(2);
    } finally {
      SqsQueue.prototype.processTimers = processTimers;
    }
  });
});
