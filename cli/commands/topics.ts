import { defineCommand } from '../command.ts';
import { jsonOption } from '../options.ts';

/** `news-alerts topics list|test` (see `tasks/topics.ts`). */
export const command = defineCommand({
  name: 'topics',
  summary: "list the topics (built-in and a config file's), or preview a topic file against JSON Lines items",
  actions: {
    list: {
      description:
        'id, label, threshold, rules and description of each topic: the built-in ones, and with --config FILE also that config file\'s user topics (validated as "run" validates them)',
    },
    test: {
      args: [
        { name: 'TOPIC_FILE', noun: 'a TOPIC_FILE' },
        { name: 'ITEMS.jsonl', noun: 'an ITEMS.jsonl file' },
      ],
      description:
        'run the topic in TOPIC_FILE (JSON, or YAML by extension) alone over the items ({"id"?, "title", "summary"?, "labels"?} per line): the items it matches with score and matched phrases, the near misses, and precision / recall / F1 when lines carry "labels"',
    },
  },
  options: {
    config: {
      type: 'string',
      value: 'FILE',
      actions: ['list'],
      description: 'a config file whose user topics to list beside the built-in ones',
    },
    json: jsonOption,
  },
  async run(input, io) {
    const { runTopicsList, runTopicsTest } = await import('../tasks/topics.ts');
    const { json, config } = input.values;
    if (input.action === 'list') return runTopicsList({ config, json }, io);
    const [topicFile, itemsFile] = input.args;
    return runTopicsTest({ topicFile, itemsFile, json }, io);
  },
});
