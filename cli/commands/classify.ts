import { defineCommand } from '../command.ts';

/** `news-alerts classify`: JSON Lines items by topic (see `tasks/classify.ts`). */
export const command = defineCommand({
  name: 'classify',
  summary: 'classify JSON Lines items ({"id"?, "title", "summary"?}) by topic',
  args: [{ name: 'FILE|-', optional: true, noun: 'FILE' }],
  options: {
    explain: { type: 'boolean', description: 'print each matched phrase with its field, position and rule' },
  },
  async run({ values, args: [file] }, io) {
    const { runClassify } = await import('../tasks/classify.ts');
    return runClassify({ file, explain: values.explain }, io);
  },
});
