import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MailSendError, MailSetupError } from '../../../shared/mail/errors.ts';
import { silentLog } from '../../../shared/core/logger.ts';
import { createSqsConsumer } from '../../../shared/runtime/sqs-consumer.ts';

function record(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:email',
    awsRegion: 'eu-west-1',
  };
}

/** A consumer whose message says how to fail; returns what it dead-lettered and the failures reported. */
async function run(bodies: Record<string, string>, deadLetter?: (r: SQSRecord) => Promise<void>) {
  const deadLettered: string[] = [];
  const handler = createSqsConsumer({
    name: 'deliver-email',
    schema: z.object({ fail: z.enum(['no', 'setup', 'rejected', 'throttled', 'unknown']) }),
    log: silentLog,
    async handleMessage(message) {
      if (message.fail === 'setup') throw new MailSetupError('ses send failed: AccessDeniedException', { code: 'AccessDeniedException' });
      if (message.fail === 'rejected') throw new MailSendError('ses send failed: MessageRejected', { retryable: false });
      if (message.fail === 'throttled') throw new MailSendError('ses send failed: TooManyRequestsException', { retryable: true });
      if (message.fail === 'unknown') throw new Error('something nobody classified');
    },
    ...(deadLetter === undefined
      ? {}
      : {
          deadLetter: async (r: SQSRecord) => {
            await deadLetter(r);
            deadLettered.push(r.messageId);
          },
        }),
  });
  const event: SQSEvent = { Records: Object.entries(bodies).map(([id, body]) => record(id, body)) };
  const response = await handler(event);
  return { deadLettered, failures: response.batchItemFailures.map((f) => f.itemIdentifier).sort() };
}

describe('createSqsConsumer with a dead-letter queue', () => {
  const bodies = {
    ok: '{"fail":"no"}',
    setup: '{"fail":"setup"}',
    rejected: '{"fail":"rejected"}',
    throttled: '{"fail":"throttled"}',
    unknown: '{"fail":"unknown"}',
    garbage: 'not json',
    invalid: '{"fail":"sometimes"}',
  };

  it('dead-letters at once what no retry can help, and reports only the retryable as failed', async () => {
    const { deadLettered, failures } = await run(bodies, async () => {});

    expect(deadLettered.sort()).toEqual(['garbage', 'invalid', 'rejected', 'setup']);
    // Unknown errors are retried: nothing is given up on without knowing why.
    expect(failures).toEqual(['throttled', 'unknown']);
  });

  it('retries a record whose move to the DLQ fails, so nothing is lost', async () => {
    const { deadLettered, failures } = await run({ setup: bodies.setup }, async () => {
      throw new Error('AWS.SimpleQueueService.NonExistentQueue');
    });

    expect(deadLettered).toEqual([]);
    expect(failures).toEqual(['setup']);
  });

  it('without a dead-letter queue, fails every record that threw, for SQS to redrive after maxReceiveCount', async () => {
    const { failures } = await run(bodies);

    expect(failures).toEqual(['garbage', 'invalid', 'rejected', 'setup', 'throttled', 'unknown']);
  });
});
