import { defineCommand } from '../command.ts';
import { defaultDataDir, integerIn } from '../options.ts';

/** `news-alerts run`: the whole pipeline in this process (see `tasks/run.ts`). */
export const command = defineCommand({
  name: 'run',
  summary: 'run the pipeline in one process (embedded DynamoDB and SQS, HTTP API on localhost)',
  options: {
    config: {
      type: 'string',
      value: 'FILE',
      description: 'feeds, topics, subscribers, delivery',
      defaultHelp: './news-alerts.yaml if present, else config/default.yaml',
    },
    dataDir: { type: 'string', value: 'DIR', default: defaultDataDir, description: 'where the embedded storage, queues and outbox live' },
    port: { type: 'string', value: 'N', default: '3000', parse: integerIn(0, 65535), description: 'port of the HTTP API on 127.0.0.1' },
    once: { type: 'boolean', description: 'poll every feed once, deliver what it finds, and exit' },
  },
  async run({ values }, io) {
    const { runCommand } = await import('../tasks/run.ts');
    return runCommand(values, io);
  },
});
