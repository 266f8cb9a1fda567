import { defineCommand } from '../command.ts';
import { defaultDataDir, jsonOption } from '../options.ts';

/** `news-alerts demo`: the pipeline over the bundled offline feeds (see `tasks/demo.ts`). */
export const command = defineCommand({
  name: 'demo',
  summary: 'run the pipeline over bundled offline feeds and print what happened',
  options: {
    dataDir: {
      type: 'string',
      value: 'DIR',
      default: `${defaultDataDir}/demo`,
      description: 'storage of the demo; a second run on it delivers nothing new',
    },
    json: {
      ...jsonOption,
      description:
        'print the summary as JSON; under npm say it to npm, "npm run demo --json | jq" (npm then writes its banner to stderr), or use "npx news-alerts demo --json"',
    },
  },
  async run({ values }, io) {
    const { demoCommand, jsonAskedOfNpm } = await import('../tasks/demo.ts');
    return demoCommand({ ...values, json: values.json || jsonAskedOfNpm() }, io);
  },
});
