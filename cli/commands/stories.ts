import { defineCommand } from '../command.ts';

/** `news-alerts stories`: JSON Lines items grouped into stories (see `tasks/stories.ts`). */
export const command = defineCommand({
  name: 'stories',
  summary: 'group JSON Lines items ({"id", "title", "summary", …}) into stories, as the pipeline does',
  args: [{ name: 'FILE|-', optional: true, noun: 'FILE' }],
  options: {
    explain: { type: 'boolean', description: 'also print whether each item founded or joined its story, and the similarity' },
  },
  async run({ values, args: [file] }, io) {
    const { runStories } = await import('../tasks/stories.ts');
    return runStories({ file, explain: values.explain }, io);
  },
});
