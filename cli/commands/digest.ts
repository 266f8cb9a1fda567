import { defineCommand } from '../command.ts';
import { jsonOption, targetOptions } from '../options.ts';

/** `news-alerts digest preview SUBSCRIBER` (see `tasks/digest.ts`). */
export const command = defineCommand({
  name: 'digest',
  summary: "preview a subscriber's next digest email (text and HTML files) without sending or marking anything",
  actions: {
    preview: {
      args: [{ name: 'SUBSCRIBER' }],
      description: "render the subscriber's next digest as it would be sent now, to the outbox folder (or --out)",
    },
  },
  options: {
    out: {
      type: 'string',
      value: 'DIR',
      defaultHelp: '<data folder>/outbox',
      description: 'the folder the preview files are written to',
    },
    mailFrom: { type: 'string', value: 'ADDRESS', defaultHelp: 'news-alerts@localhost', description: 'the sender shown in the preview' },
    ...targetOptions,
    json: jsonOption,
  },
  async run({ args: [subscriberId], values }, io) {
    const { digestPreviewCommand } = await import('../tasks/digest.ts');
    return digestPreviewCommand({ subscriberId, ...values }, io);
  },
});
