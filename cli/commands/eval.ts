import { defineCommand } from '../command.ts';
import { jsonOption } from '../options.ts';

/** `news-alerts eval`: the built-in topics against labelled items (see `tasks/eval.ts`). */
export const command = defineCommand({
  name: 'eval',
  summary: 'precision / recall / F1 per topic against the "labels" of each JSON line',
  args: [{ name: 'FILE' }],
  options: { json: { ...jsonOption, description: 'print the figures as JSON' } },
  async run({ values, args: [file] }, io) {
    const { runEval } = await import('../tasks/eval.ts');
    return runEval(file, io, { json: values.json });
  },
});
