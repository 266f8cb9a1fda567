import * as z from '../core/zod.ts';
import { ProblemError, formatIssuePath } from '../core/problem.ts';
import type { QueueName } from '../core/resource-names.ts';
import type { DeadLetterRedriver } from '../queue/ports.ts';

/** The body of `POST /api/admin/redrive`: which of `queueNames` gets its dead letters back. */
export function redriveRequestSchema(queueNames: readonly QueueName[]) {
  return z.strictObject({ queue: z.enum(queueNames as [QueueName, ...QueueName[]]) });
}

/** What `POST /api/admin/redrive` answers. */
export interface RedriveAnswer {
  queue: QueueName;
  moved: number;
  method: 'move-task' | 'move-loop';
}

/**
 * Moves one queue's dead letters back to it. A body naming none of `queueNames` (the
 * topology's queues, given by the caller) is an `unknown-queue` problem (400); a server without a
 * redriver answers `not-configured` (503).
 */
export async function redriveFromRequest(
  deadLetters: DeadLetterRedriver | undefined,
  body: unknown,
  queueNames: readonly QueueName[],
): Promise<RedriveAnswer> {
  const parsed = redriveRequestSchema(queueNames).safeParse(body);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
    throw new ProblemError(
      'unknown-queue',
      `name one of the queues ${queueNames.join(', ')} as {"queue": "<name>"}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      { errors },
    );
  }
  if (!deadLetters) throw new ProblemError('not-configured', 'redrive is off: the server has no dead-letter redriver');
  const { queue } = parsed.data;
  const outcome = await deadLetters.redrive(queue);
  return { queue, moved: outcome.moved, method: outcome.method };
}
