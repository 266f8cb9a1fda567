import { defineCommand } from '../command.ts';
import { UsageError } from '../io.ts';
import { absoluteUrl, jsonOption, targetOptions } from '../options.ts';

const add = ['add'] as const;

/** `news-alerts subscribers add|list|remove|resume|test` (see `tasks/subscribers.ts`, `tasks/subscriber-test.ts`). */
export const command = defineCommand({
  name: 'subscribers',
  summary: 'add, list, remove subscribers, resume paused channels, send a test alert; in the local data folder or a deployed stack',
  actions: {
    add: {
      args: [{ name: 'ID' }],
      description: 'add a subscriber, or replace the one with this id (its unsubscribed and paused channels stay so)',
    },
    list: { description: "the subscribers: topics, filter, channels with cadence and state (--topic T: one topic's)" },
    remove: { args: [{ name: 'ID' }], description: 'remove a subscriber' },
    resume: { args: [{ name: 'ID' }], description: 'put channels paused after delivery failures back (--channel C: only that one)' },
    test: {
      args: [{ name: 'ID' }],
      description:
        "send a [test] alert to each of the subscriber's channels and print what each receiver answered (exit 1 if one failed); " +
        'from a running pipeline with --api or --stack, else from here',
    },
  },
  options: {
    topic: {
      type: 'string',
      value: 'T',
      multiple: true,
      actions: ['add', 'list'],
      description: 'a topic id, built-in or user-defined; add: repeat for several; list: only its subscribers',
    },
    name: { type: 'string', value: 'N', actions: add, description: 'a display name' },
    email: { type: 'string', value: 'A', actions: add, description: 'an email address' },
    webhook: {
      type: 'string',
      value: 'URL',
      multiple: true,
      actions: add,
      description: 'a JSON webhook, signed per Standard Webhooks; repeat for several',
    },
    slack: { type: 'string', value: 'URL', multiple: true, actions: add, description: 'a Slack incoming webhook; repeat for several' },
    secret: { type: 'string', value: 'S', actions: add, description: 'the signing secret, whsec_ + base64 (needed with --webhook)' },
    previousSecret: {
      type: 'string',
      value: 'S',
      actions: add,
      description: 'the secret being rotated out: payloads carry both signatures',
    },
    filter: {
      type: 'string',
      value: 'Q',
      actions: add,
      description: "keyword filter, e.g. 'sanctions AND (Iran OR Tehran) NOT title:oil'",
    },
    minScore: { type: 'string', value: 'N', actions: add, description: 'lowest topic score (0–1) that reaches this subscriber' },
    cadence: {
      type: 'string',
      value: 'C',
      actions: add,
      defaultHelp: 'instant',
      description: 'email: instant, hourly, daily or weekly digest',
    },
    hour: { type: 'string', value: 'H', actions: add, defaultHelp: '8', description: 'hour of daily/weekly digests, 0–23' },
    timeZone: { type: 'string', value: 'TZ', actions: add, defaultHelp: 'UTC', description: 'IANA time zone of --hour, e.g. Europe/Kyiv' },
    weeklyDay: { type: 'string', value: 'D', actions: add, defaultHelp: 'mon', description: 'day of the weekly digest: mon … sun' },
    paused: { type: 'boolean', actions: add, description: 'store it paused' },
    channel: { type: 'string', value: 'C', actions: ['resume'], description: 'only this channel' },
    api: {
      type: 'string',
      value: 'URL',
      actions: ['test'],
      parse: absoluteUrl,
      description: "a running pipeline's HTTP API (run: http://127.0.0.1:3000); token from NEWS_ALERTS_ADMIN_TOKEN or the data folder",
    },
    config: {
      type: 'string',
      value: 'FILE',
      actions: ['test'],
      description: 'without --api or --stack: the config file whose mail settings apply (as for run)',
    },
    ...targetOptions,
    json: { ...jsonOption, description: 'print the result as JSON (secrets are never printed)' },
  },
  async run(input, io) {
    const { subscribersCommand } = await import('../tasks/subscribers.ts');
    const { topic, channel, dataDir, stack, json, api, config, ...flags } = input.values;
    const common = { dataDir, stack, json };
    switch (input.action) {
      case 'add': {
        const { webhook, ...rest } = flags;
        return subscribersCommand(
          { ...common, action: 'add', subscriber: { id: input.args[0], topics: topic, webhooks: webhook, ...rest } },
          io,
        );
      }
      case 'list':
        return subscribersCommand({ ...common, action: 'list', topic: topic[0] }, io);
      case 'remove':
        return subscribersCommand({ ...common, action: 'remove', id: input.args[0] }, io);
      case 'resume':
        return subscribersCommand({ ...common, action: 'resume', id: input.args[0], channel }, io);
      case 'test': {
        if (api !== undefined && stack !== undefined) throw new UsageError('subscribers test takes --api or --stack, not both');
        const { subscriberTestCommand } = await import('../tasks/subscriber-test.ts');
        return subscriberTestCommand({ id: input.args[0], api, stack, dataDir, config, json }, io);
      }
    }
  },
});
