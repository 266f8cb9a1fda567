import { defineCommand } from '../command.ts';

/** `news-alerts classify`: a sentence, a text file or JSON Lines items by topic (see `tasks/classify.ts`). */
export const command = defineCommand({
  name: 'classify',
  summary:
    'classify a sentence, a text file (one item per line) or JSON Lines items ({"id"?, "title", "summary"?}) by topic; JSON Lines out',
  args: [{ name: 'TEXT|FILE|-', optional: true, noun: 'TEXT or FILE' }],
  options: {
    explain: { type: 'boolean', description: 'print each matched phrase with its field, position and rule' },
    whole: { type: 'boolean', description: 'a plain text file is one item (first line the title), not one item per line' },
  },
  async run({ values, args: [input] }, io) {
    const { runClassify } = await import('../tasks/classify.ts');
    return runClassify({ input, explain: values.explain, whole: values.whole }, io);
  },
});
