/**
 * Requests handed to fauxqs's SQS router as objects (the one-process runtime's path) against the
 * same requests as signed JSON over HTTP to its endpoint (the functions' path), on one real
 * fauxqs: the same outputs (receipt handles, visibility, redrive to the dead-letter queue, batch
 * failures), the same errors (names, query codes, messages, status, retryability), and no object
 * shared with the caller or the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFauxqsEngine, type FauxqsEngine } from '../../../infra/local/engines.ts';
import { createAwsJsonClient } from '../../../shared/aws-http/index.ts';
import { sqsService } from '../../../shared/queue/sqs/sqs-client.ts';
import { awsErrorFields } from '../../helpers/aws-error-fields.ts';
import { directAndWireClients } from '../../helpers/direct-and-wire-clients.ts';

type Client = ReturnType<typeof createAwsJsonClient>;
type Answers = Record<string, unknown>[];
/** A step: the request to send, given the queues' URLs and the answers so far. */
type Step = (urls: { main: string; dlq: string }, answers: Answers) => [operation: string, input: Record<string, unknown>];

/** 5xx answers are retried at once here: the attempts still count. */
const retry = { baseDelayMs: 1, throttlingBaseDelayMs: 1 };

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Millisecond times (SentTimestamp, ApproximateFirstReceiveTimestamp), as JSON strings. */
const MILLISECONDS = /"\d{13}"/g;

/** An answer with its path's queue names written as `<q>`, its random ids (message ids, receipt handles) as `<id>`, its times as `<ms>`. */
function normalized(value: unknown, name: string): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll(name, '<q>').replace(UUID, '<id>').replace(MILLISECONDS, '"<ms>"'));
}

/** The receipt handle of a message (the first, or the one with `body`) of an earlier ReceiveMessage answer. */
function receiptOf(answer: Record<string, unknown> | undefined, body?: string): string {
  const messages = (answer?.output as { Messages?: { ReceiptHandle: string; Body: string }[] } | undefined)?.Messages ?? [];
  return messages.find((message) => body === undefined || message.Body === body)?.ReceiptHandle ?? 'none';
}

describe('our SQS client handing requests to fauxqs as objects', () => {
  let engine: FauxqsEngine;
  let direct: Client;
  let wire: Client;

  beforeAll(async () => {
    engine = await startFauxqsEngine();
    ({ direct, wire } = directAndWireClients(sqsService, engine));
  });

  afterAll(async () => {
    wire?.destroy();
    await engine?.stop();
  });

  /** Runs the steps on each path, on queues of its own, and returns each path's answers or errors (raw ones under `raw`). */
  async function onBothPaths(label: string, steps: Step[]) {
    const run = async (client: Client, path: string) => {
      const name = `${label}-${path}`;
      const call = (operation: string, input: object) => client.call(operation, input, (input as { QueueUrl?: string }).QueueUrl);
      const dlq = String((await call('CreateQueue', { QueueName: `${name}-dlq` })).output.QueueUrl);
      const { output: attributes } = await call('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] });
      const dlqArn = (attributes.Attributes as { QueueArn: string }).QueueArn;
      const main = String(
        (
          await call('CreateQueue', {
            QueueName: name,
            Attributes: { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
          })
        ).output.QueueUrl,
      );
      const raw: Answers = [];
      for (const step of steps) {
        const [operation, input] = step({ main, dlq }, raw);
        raw.push(
          await call(operation, input).then(
            ({ output, $metadata }) => ({
              output,
              status: $metadata.httpStatusCode,
              attempts: $metadata.attempts,
              requestId: $metadata.requestId,
            }),
            (error: unknown) => awsErrorFields(error),
          ),
        );
      }
      return { answers: raw.map((answer) => normalized(answer, name)), main, dlq };
    };
    return { direct: await run(direct, 'direct'), wire: await run(wire, 'wire') };
  }

  it('answers the operations the loops and adapters use exactly as over HTTP', async () => {
    // Prepare
    const attributes = { topic: { DataType: 'String', StringValue: 'talks – día 2' }, n: { DataType: 'Number', StringValue: '3' } };
    const steps: Step[] = [
      (u) => ['SendMessage', { QueueUrl: u.main, MessageBody: '{"item":"ceasefire"}', MessageAttributes: attributes }],
      (u) => [
        'SendMessageBatch',
        {
          QueueUrl: u.main,
          Entries: [
            { Id: 'ok', MessageBody: 'second', DelaySeconds: 0 },
            { Id: 'bad', MessageBody: 'nul \u0000 inside' },
          ],
        },
      ],
      (u) => [
        'ReceiveMessage',
        {
          QueueUrl: u.main,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        },
      ],
      (u, a) => [
        'ChangeMessageVisibilityBatch',
        {
          QueueUrl: u.main,
          Entries: [
            { Id: 'back', ReceiptHandle: receiptOf(a[2]), VisibilityTimeout: 0 },
            { Id: 'stale', ReceiptHandle: 'not-a-handle', VisibilityTimeout: 5 },
          ],
        },
      ],
      (u) => [
        'GetQueueAttributes',
        { QueueUrl: u.main, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'RedrivePolicy'] },
      ],
      // Both messages again (the first for the second time), then the first once more: past maxReceiveCount, it moves to the DLQ.
      (u) => ['ReceiveMessage', { QueueUrl: u.main, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ['All'] }],
      (u, a) => [
        'ChangeMessageVisibility',
        { QueueUrl: u.main, ReceiptHandle: receiptOf(a[5], '{"item":"ceasefire"}'), VisibilityTimeout: 0 },
      ],
      (u) => ['ReceiveMessage', { QueueUrl: u.main, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }],
      (u) => ['ReceiveMessage', { QueueUrl: u.dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['topic'] }],
      (u, a) => [
        'DeleteMessageBatch',
        {
          QueueUrl: u.dlq,
          Entries: [
            { Id: 'one', ReceiptHandle: receiptOf(a[8]) },
            { Id: 'gone', ReceiptHandle: 'not-a-handle' },
          ],
        },
      ],
      (u, a) => ['DeleteMessage', { QueueUrl: u.main, ReceiptHandle: receiptOf(a[5], 'second') }],
      (u) => [
        'GetQueueAttributes',
        { QueueUrl: u.dlq, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] },
      ],
      (u) => ['SetQueueAttributes', { QueueUrl: u.main, Attributes: { VisibilityTimeout: '5' } }],
      (u) => ['GetQueueAttributes', { QueueUrl: u.main, AttributeNames: ['VisibilityTimeout'] }],
    ];

    // Act
    const { direct: onDirect, wire: onWire } = await onBothPaths('ops', steps);

    // Assess
    expect(onDirect.answers).toEqual(onWire.answers);
    expect(onDirect.main).toBe(onWire.main.replace('-wire', '-direct'));
    // The answers say what they should (both paths alike, per the line above).
    const [sent, batch, received, visibility] = onDirect.answers as { output: Record<string, unknown> }[];
    expect(sent?.output).toMatchObject({ MD5OfMessageBody: expect.any(String), MD5OfMessageAttributes: expect.any(String) });
    expect(batch?.output).toMatchObject({
      Successful: [{ Id: 'ok' }],
      Failed: [{ Id: 'bad', Code: 'InvalidMessageContents', SenderFault: true }],
    });
    expect(received?.output).toMatchObject({
      Messages: [{ Body: '{"item":"ceasefire"}', MessageAttributes: attributes, Attributes: { ApproximateReceiveCount: '1' } }],
    });
    expect(visibility?.output).toMatchObject({ Successful: [{ Id: 'back' }], Failed: [{ Id: 'stale', Code: 'ReceiptHandleIsInvalid' }] });
    expect((onDirect.answers[8] as { output: { Messages: { Body: string }[] } }).output.Messages.map((m) => m.Body)).toEqual([
      '{"item":"ceasefire"}',
    ]);
  });

  it('fails requests with the errors of the wire: names, query codes, messages, status and retries', async () => {
    // Prepare
    const missing = 'http://sqs.us-east-1.localhost:1/000000000000/no-such-queue';
    const steps: Step[] = [
      () => ['GetQueueAttributes', { QueueUrl: missing, AttributeNames: ['All'] }],
      () => ['SendMessage', { QueueUrl: missing, MessageBody: 'x' }],
      (u) => ['SendMessage', { QueueUrl: u.main }],
      (u) => ['DeleteMessageBatch', { QueueUrl: u.main, Entries: [] }],
      (u) => ['ReceiveMessage', { QueueUrl: u.main, MaxNumberOfMessages: 11 }],
      (u) => ['Frobnicate', { QueueUrl: u.main }],
      // A fault inside fauxqs (its handler reads an entry's Id of null): HTTP 500, retried.
      (u) => ['DeleteMessageBatch', { QueueUrl: u.main, Entries: [null] }],
    ];

    // Act
    const { direct: onDirect, wire: onWire } = await onBothPaths('errors', steps);

    // Assess
    expect(onDirect.answers).toEqual(onWire.answers);
    expect(onDirect.answers[0]).toMatchObject({
      name: 'QueueDoesNotExist',
      fields: { Code: 'AWS.SimpleQueueService.NonExistentQueue', $fault: 'client', retryable: false },
      status: 400,
      attempts: 1,
    });
    expect(onDirect.answers[5]).toMatchObject({ name: 'InvalidAction', status: 400 });
    expect(onDirect.answers[6]).toMatchObject({
      name: 'InternalServerError',
      fields: { retryable: true, $fault: 'server' },
      status: 500,
      attempts: 3,
    });
  });

  it('waits in a long poll until a message arrives, as over HTTP', async () => {
    // Prepare
    const { output } = await direct.call('CreateQueue', { QueueName: 'long-poll' });
    const queueUrl = String(output.QueueUrl);
    const receiving = Promise.all(
      [direct, wire].map((client) => client.call('ReceiveMessage', { QueueUrl: queueUrl, WaitTimeSeconds: 5 }, queueUrl)),
    );

    // Act
    await new Promise((resolve) => setTimeout(resolve, 50));
    await direct.call('SendMessageBatch', {
      QueueUrl: queueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'one' },
        { Id: 'b', MessageBody: 'two' },
      ],
    });
    const answers = await receiving;

    // Assess
    const bodies = answers.flatMap(
      ({ output: received }) => (received.Messages as { Body: string }[] | undefined)?.map((m) => m.Body) ?? [],
    );
    expect(bodies.sort()).toEqual(['one', 'two']);
  });

  it("shares no object with the caller or the queue's messages", async () => {
    // Prepare
    const { output } = await direct.call('CreateQueue', { QueueName: 'copies' });
    const queueUrl = String(output.QueueUrl);
    const input = { QueueUrl: queueUrl, MessageBody: 'kept', MessageAttributes: { topic: { DataType: 'String', StringValue: 'un' } } };
    await direct.call('SendMessage', input);
    input.MessageAttributes.topic.StringValue = 'changed by the caller';

    // Act
    const first = await direct.call('ReceiveMessage', { QueueUrl: queueUrl, MessageAttributeNames: ['All'], VisibilityTimeout: 0 });
    const firstMessages = first.output.Messages as { MessageAttributes: { topic: { StringValue: string } } }[];
    for (const message of firstMessages) message.MessageAttributes.topic.StringValue = 'changed by the receiver';
    const second = await direct.call('ReceiveMessage', { QueueUrl: queueUrl, MessageAttributeNames: ['All'] });

    // Assess
    expect(second.output.Messages).toMatchObject([{ Body: 'kept', MessageAttributes: { topic: { StringValue: 'un' } } }]);
  });

  it('refuses requests once the engine is stopped, as its closed port would', async () => {
    // Prepare
    const stopped = await startFauxqsEngine();
    const client = createAwsJsonClient('SQS', stopped.directTransport, retry);
    await client.call('CreateQueue', { QueueName: 'before-stop' });

    // Act
    await stopped.stop();
    const refused = await client.call('CreateQueue', { QueueName: 'after-stop' }).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe('SQS request not sent: the embedded fauxqs is stopped (CreateQueue)');
  });
});
