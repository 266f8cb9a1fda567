import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type SendMessageBatchRequest,
  type SendMessageBatchResult,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion, startFauxqsEngine, type FauxqsEngine } from '../../../infra/local/engines.ts';
import { createQueues } from '../../../infra/local/provision.ts';
import type { QueueName } from '../../../infra/topology.ts';
import { createHttpTransport } from '../../../shared/aws-http/index.ts';
import type { AwsAnswer } from '../../../shared/aws-http/service-error.ts';
import { InvalidMessageError } from '../../../shared/core/errors.ts';
import { createSqsClient, sqsService, type SqsClient } from '../../../shared/queue/sqs/sqs-client.ts';
import {
  createSqsMessageQueue,
  MAX_MESSAGE_BYTES,
  QueueMessageTooLargeError,
  QueueSendError,
} from '../../../shared/queue/sqs/sqs-message-queue.ts';

/** Sees (and may change) each request our client sends: the operation, its JSON body, and the send itself. */
type Tap = (operation: string, body: string, send: (body: string) => Promise<AwsAnswer>) => Promise<AwsAnswer>;

describe('SQS message queue on fauxqs, on our SQS client', () => {
  let engine: FauxqsEngine;
  /** The SDK's client: reading what arrived. */
  let reader: SQSClient;
  let prefixCount = 0;

  beforeAll(async () => {
    engine = await startFauxqsEngine();
    reader = new SQSClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
  });

  afterAll(async () => {
    reader?.destroy();
    await engine?.stop();
  });

  /** Our client (as the functions ship it) over signed HTTP to fauxqs, each request through `taps`. */
  function newClient(...taps: Tap[]): SqsClient {
    const http = createHttpTransport(sqsService, { endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
    return createSqsClient({
      transport: {
        send: (operation, body, hint) =>
          taps.reduceRight<(body: string) => Promise<AwsAnswer>>(
            (next, tap) => (text) => tap(operation, text, next),
            (text) => http.send(operation, text, hint),
          )(body),
        close: () => http.close?.(),
      },
    });
  }

  /** Fresh queues per test, so counts are exact. */
  async function freshQueues(): Promise<Record<QueueName, string>> {
    const queues = await createQueues(newClient(), { prefix: `q${++prefixCount}` });
    return {
      poll: queues.poll.url,
      items: queues.items.url,
      alert: queues.alert.url,
      webhook: queues.webhook.url,
      email: queues.email.url,
      digest: queues.digest.url,
    };
  }

  /** Every message now in the queue (received, so hidden afterwards): bounded receive loop. */
  async function drain(url: string): Promise<string[]> {
    const bodies: string[] = [];
    let emptyReceives = 0;
    for (let i = 0; i < 100 && emptyReceives < 2; i++) {
      const { Messages = [] } = await reader.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) emptyReceives++;
      bodies.push(...Messages.map((m) => m.Body ?? ''));
    }
    return bodies;
  }

  /** Records each SendMessageBatch request's entry count and payload size, as sent on the wire. */
  function observeBatches(seen: { entries: number; bytes: number }[]): Tap {
    return (operation, body, send) => {
      if (operation === 'SendMessageBatch') {
        const entries = (JSON.parse(body) as SendMessageBatchRequest).Entries ?? [];
        seen.push({ entries: entries.length, bytes: entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody ?? ''), 0) });
      }
      return send(body);
    };
  }

  /**
   * Fault injection on the wire: on each SendMessageBatch call for which `shouldFail` says so,
   * the chosen entries are held back from the engine and reported as failed on the service
   * side, as SQS does under internal errors.
   */
  function injectEntryFailures(shouldFail: (call: number, body: string) => boolean): Tap {
    let call = 0;
    return async (operation, body, send) => {
      if (operation !== 'SendMessageBatch') return send(body);
      call++;
      const input = JSON.parse(body) as SendMessageBatchRequest;
      const entries = input.Entries ?? [];
      const failing = entries.filter((e) => shouldFail(call, e.MessageBody ?? ''));
      const passing = entries.filter((e) => !failing.includes(e));
      const answer: AwsAnswer =
        passing.length > 0
          ? await send(JSON.stringify({ ...input, Entries: passing }))
          : { statusCode: 200, body: JSON.stringify({ Successful: [], Failed: [] }) };
      const output = JSON.parse(answer.body) as SendMessageBatchResult;
      output.Failed = [
        ...(output.Failed ?? []),
        ...failing.map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'injected' })),
      ];
      return { ...answer, body: JSON.stringify(output) };
    };
  }

  it('sends every body as JSON, in batches of at most 10', async () => {
    const batches: { entries: number; bytes: number }[] = [];
    const client = newClient(observeBatches(batches));
    const urls = await freshQueues();
    const bodies = Array.from({ length: 25 }, (_, i) => ({ n: i, title: `Story ${i}` }));

    await createSqsMessageQueue(client, urls).send('alert', bodies);

    const received = (await drain(urls.alert)).map((b) => JSON.parse(b) as { n: number });
    expect(received.map((b) => b.n).sort((a, b) => a - b)).toEqual(bodies.map((b) => b.n));
    expect(batches.map((b) => b.entries)).toEqual([10, 10, 5]);
    expect(await drain(urls.poll)).toEqual([]);
    client.destroy();
  });

  it('keeps each request under 256 KiB by splitting large bodies across batches', async () => {
    const batches: { entries: number; bytes: number }[] = [];
    const client = newClient(observeBatches(batches));
    const urls = await freshQueues();
    const bodies = Array.from({ length: 5 }, (_, i) => ({ n: i, text: 'x'.repeat(100 * 1024) }));

    await createSqsMessageQueue(client, urls).send('email', bodies);

    expect(await drain(urls.email)).toHaveLength(5);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(batch.bytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    client.destroy();
  });

  it('sends nothing for no bodies', async () => {
    const batches: { entries: number; bytes: number }[] = [];
    const client = newClient(observeBatches(batches));
    const urls = await freshQueues();
    await createSqsMessageQueue(client, urls).send('poll', []);
    expect(batches).toEqual([]);
    client.destroy();
  });

  it('refuses a body over 256 KiB, permanently, before sending any', async () => {
    const client = newClient();
    const urls = await freshQueues();

    const error = await createSqsMessageQueue(client, urls)
      .send('webhook', [{ ok: true }, { text: 'y'.repeat(MAX_MESSAGE_BYTES) }])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueueMessageTooLargeError);
    expect((error as QueueMessageTooLargeError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/queue webhook .*message 1 is \d+ bytes/);
    expect(await drain(urls.webhook)).toEqual([]);
    client.destroy();
  });

  it('refuses a body that is not JSON-serialisable', async () => {
    const client = newClient();
    const urls = await freshQueues();
    await expect(createSqsMessageQueue(client, urls).send('poll', [{ n: 1n }])).rejects.toBeInstanceOf(InvalidMessageError);
    client.destroy();
  });

  it('delivers text with characters SQS refuses raw (U+FFFF) intact', async () => {
    const client = newClient();
    const urls = await freshQueues();
    const title = 'odd \uFFFF and \uFFFE characters, é, 🌍';

    await createSqsMessageQueue(client, urls).send('alert', [{ title }]);

    const [body] = await drain(urls.alert);
    expect(JSON.parse(body!)).toEqual({ title });
  });

  it('retries entries SQS failed on its side once, and each message arrives once', async () => {
    // First call: bodies 3 and 7 fail; the retry goes through.
    const client = newClient(injectEntryFailures((call, body) => call === 1 && [3, 7].includes((JSON.parse(body) as { n: number }).n)));
    const urls = await freshQueues();
    const bodies = Array.from({ length: 10 }, (_, i) => ({ n: i }));

    await createSqsMessageQueue(client, urls).send('poll', bodies);

    const received = (await drain(urls.poll)).map((b) => (JSON.parse(b) as { n: number }).n).sort((a, b) => a - b);
    expect(received).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    client.destroy();
  });

  it('throws a retryable QueueSendError naming the queue and count when entries keep failing', async () => {
    const client = newClient(injectEntryFailures((_call, body) => [2, 12].includes((JSON.parse(body) as { n: number }).n)));
    const urls = await freshQueues();
    const bodies = Array.from({ length: 15 }, (_, i) => ({ n: i }));

    const error = await createSqsMessageQueue(client, urls)
      .send('alert', bodies)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueueSendError);
    expect((error as QueueSendError).retryable).toBe(true);
    expect((error as QueueSendError).failedCount).toBe(2);
    expect((error as QueueSendError).queue).toBe('alert');
    expect((error as Error).message).toBe('sending to queue alert failed: 2 of 15 messages rejected (InternalError)');
    expect(await drain(urls.alert)).toHaveLength(13);
    client.destroy();
  });

  it("does not retry entries the queue refuses as the sender's fault, and says so permanently", async () => {
    const batches: { entries: number; bytes: number }[] = [];
    const client = newClient(observeBatches(batches));
    const urls = await freshQueues();
    // A queue that refuses bodies over 1 KiB: the engine fails that entry as a sender fault.
    const { QueueUrl: smallUrl } = await reader.send(
      new CreateQueueCommand({ QueueName: `small-${++prefixCount}`, Attributes: { MaximumMessageSize: '1024' } }),
    );

    const error = await createSqsMessageQueue(client, { ...urls, webhook: smallUrl! })
      .send('webhook', [{ n: 0 }, { n: 1, text: 'z'.repeat(2000) }])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueueSendError);
    expect((error as QueueSendError).retryable).toBe(false);
    expect((error as QueueSendError).failedCount).toBe(1);
    expect(batches).toHaveLength(1);
    expect((await drain(smallUrl!)).map((b) => JSON.parse(b))).toEqual([{ n: 0 }]);
    client.destroy();
  });

  it('wraps a failed request (no such queue) in a retryable QueueSendError', async () => {
    const client = newClient();
    const urls = await freshQueues();
    const missing = `${engine.endpoint}/000000000000/no-such-queue`;

    const error = await createSqsMessageQueue(client, { ...urls, email: missing })
      .send('email', [{ n: 1 }])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueueSendError);
    expect((error as QueueSendError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/^sending to queue email failed: .+ \(1 messages\)$/);
    client.destroy();
  });

  it('delays a received message by changing its visibility, to 1 s at least (never 0)', async () => {
    const client = newClient();
    const urls = await freshQueues();
    await reader.send(new SendMessageCommand({ QueueUrl: urls.digest, MessageBody: '{"n":1}' }));
    const { Messages = [] } = await reader.send(
      new ReceiveMessageCommand({ QueueUrl: urls.digest, MaxNumberOfMessages: 1, VisibilityTimeout: 60, WaitTimeSeconds: 1 }),
    );
    expect(Messages).toHaveLength(1);

    await createSqsMessageQueue(client, urls).delayRetry('digest', Messages[0]!.ReceiptHandle!, 0);

    // Hidden for 60 s unless the change went through; visible again a second after it.
    const again = await reader.send(
      new ReceiveMessageCommand({ QueueUrl: urls.digest, MaxNumberOfMessages: 1, VisibilityTimeout: 60, WaitTimeSeconds: 5 }),
    );
    expect(again.Messages?.map((m) => m.Body)).toEqual(['{"n":1}']);
    client.destroy();
  });

  it('sends straight to a dead-letter queue when its URL is configured, and says so retryably when not', async () => {
    const client = newClient();
    const queues = await createQueues(newClient(), { prefix: `q${++prefixCount}` });
    const urls = Object.fromEntries(Object.entries(queues).map(([name, q]) => [name, q.url])) as Record<QueueName, string>;

    await createSqsMessageQueue(client, urls, { email: queues.email.dlqUrl }).sendToDeadLetter('email', '{"setup":"fault"}');
    const missing = await createSqsMessageQueue(client, urls)
      .sendToDeadLetter('email', '{}')
      .catch((e: unknown) => e);

    expect(await drain(queues.email.dlqUrl)).toEqual(['{"setup":"fault"}']);
    expect(missing).toBeInstanceOf(QueueSendError);
    expect((missing as QueueSendError).retryable).toBe(true);
    client.destroy();
  });
});
