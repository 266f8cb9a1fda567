import { topology } from '../../infra/topology.ts';
import { defineCommand } from '../command.ts';
import { integerIn, jsonOption, targetOptions } from '../options.ts';

/** `news-alerts dlq list|redrive [QUEUE]` (see `tasks/dlq.ts`). */
export const command = defineCommand({
  name: 'dlq',
  summary: 'list what failed in the dead-letter queues and why, or put it back (redrive), locally or in a deployed stack',
  actions: {
    list: {
      args: [{ name: 'QUEUE', optional: true }],
      description: `dead letters of one queue (${Object.keys(topology.queues).join(', ')}) or all: what each was for, and why it failed`,
    },
    redrive: {
      args: [{ name: 'QUEUE', optional: true }],
      description: 'move them back to their queue (SQS StartMessageMoveTask in AWS; a move loop locally)',
    },
  },
  options: {
    limit: {
      type: 'string',
      value: 'N',
      actions: ['list'],
      default: '20',
      parse: integerIn(1, 1000),
      description: 'most messages shown per queue',
    },
    ...targetOptions,
    json: jsonOption,
  },
  async run({ action, args: [queue], values }, io) {
    const { dlqCommand } = await import('../tasks/dlq.ts');
    return dlqCommand({ action, queue, ...values }, io);
  },
});
