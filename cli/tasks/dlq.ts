import { topology, type QueueName } from '../../infra/topology.ts';
import { describeDeadLetter, type DeadLetterDescription } from '../../shared/dead-letters/describe-dead-letter.ts';
import { EXIT_OK, UsageError, type CliIo } from '../io.ts';
import { openPipelineTarget, type AwsTargetClients, type TargetChoice } from '../pipeline-target.ts';

const queueNames = Object.keys(topology.queues) as QueueName[];

export interface DlqOptions extends TargetChoice {
  action: 'list' | 'redrive';
  /** One queue, or every queue when absent. */
  queue?: string | undefined;
  json: boolean;
  /** Most dead letters listed per queue. */
  limit: number;
}

/** What `dlq redrive` reports per queue. */
export type RedriveResult =
  | { queue: QueueName; method: 'move-task'; taskHandle: string }
  | { queue: QueueName; method: 'move-loop'; moved: number; failed: number };

/** The queues a command names: one (checked), or all. */
export function queuesOf(queue: string | undefined): QueueName[] {
  if (queue === undefined) return queueNames;
  if (!(queueNames as string[]).includes(queue)) throw new UsageError(`unknown queue "${queue}" (queues: ${queueNames.join(', ')})`);
  return [queue as QueueName];
}

/**
 * `news-alerts dlq list|redrive [QUEUE]`: what sits in the dead-letter queues and why (from the
 * delivery and feed records), and putting it back on its queue once the cause is fixed. Works on
 * a deployed stack (`--stack`) or the one-process data folder (`--data-dir`, pipeline stopped).
 */
export async function dlqCommand(options: DlqOptions, io: CliIo, clients?: AwsTargetClients): Promise<number> {
  const queues = queuesOf(options.queue);
  const target = await openPipelineTarget(options, { queues: true, tables: ['deliveries', 'feeds'] }, clients);
  try {
    const deadLetters = target.deadLetters!;
    if (options.action === 'redrive') {
      const results: RedriveResult[] = [];
      for (const queue of queues) {
        const outcome = await deadLetters.redrive(queue);
        results.push(
          outcome.method === 'move-task'
            ? { queue, method: 'move-task', taskHandle: outcome.taskHandle ?? '' }
            : { queue, method: 'move-loop', moved: outcome.moved, failed: outcome.failed },
        );
      }
      if (options.json) io.stdout.write(`${JSON.stringify({ target: target.description, redrive: results })}\n`);
      else for (const result of results) io.stdout.write(`${describeRedrive(result)}\n`);
      return EXIT_OK;
    }

    const listed: { queue: QueueName; messages: DeadLetterDescription[] }[] = [];
    for (const queue of queues) {
      const letters = await deadLetters.peek(queue, options.limit);
      const messages: DeadLetterDescription[] = [];
      for (const letter of letters) messages.push(await describeDeadLetter(queue, letter, target.stores));
      listed.push({ queue, messages });
    }
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ target: target.description, queues: listed })}\n`);
      return EXIT_OK;
    }
    const lines: string[] = [`dead letters in ${target.description}:`];
    for (const { queue, messages } of listed) {
      lines.push(
        `  ${queue}: ${messages.length === 0 ? 'empty' : `${messages.length}${messages.length >= options.limit ? '+' : ''} message${messages.length === 1 ? '' : 's'}`}`,
      );
      for (const message of messages) {
        lines.push(`    ${message.messageId}  ${message.sentAt}  received ${message.receiveCount}×  ${message.what}`);
        if (message.why) lines.push(`      why: ${message.why}${message.attempts ? ` (${message.attempts} attempts recorded)` : ''}`);
      }
    }
    if (listed.some((q) => q.messages.length > 0)) lines.push('', `Fix the cause, then: news-alerts dlq redrive [QUEUE]`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT_OK;
  } finally {
    await target.close();
  }
}

function describeRedrive(result: RedriveResult): string {
  if (result.method === 'move-task') return `${result.queue}: SQS is moving the dead letters back (move task ${result.taskHandle})`;
  const failed = result.failed > 0 ? `; ${result.failed} could not be sent and stay in the DLQ` : '';
  return `${result.queue}: moved ${result.moved} message${result.moved === 1 ? '' : 's'} back to the queue${failed}`;
}
