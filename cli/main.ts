import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { defaultStackName } from '../infra/aws/stack-outputs.ts';
import { NewsAlertsError } from '../shared/core/errors.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo, UsageError, processIo } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

interface Command {
  summary: string;
  usage: string;
  options: Options;
  /** Help lines for the options, in the order shown. */
  optionHelp: string[];
  run(values: Record<string, unknown>, positionals: string[], io: CliIo): Promise<number>;
}

const commands: Record<string, Command> = {
  run: {
    summary: 'run the pipeline in one process (embedded DynamoDB and SQS, HTTP API on localhost)',
    usage: 'news-alerts run [--config FILE] [--data-dir DIR] [--port N] [--once]',
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      once: { type: 'boolean', default: false },
    },
    optionHelp: [
      '--config FILE    feeds, topics, subscribers, delivery (default: ./news-alerts.yaml if present, else config/default.yaml)',
      '--data-dir DIR   where the embedded storage, queues and outbox live (default: ./.news-alerts)',
      '--port N         port of the HTTP API on 127.0.0.1 (default: 3000)',
      '--once           poll every feed once, deliver what it finds, and exit',
    ],
    async run(values, _positionals, io) {
      const options = {
        config: values.config as string | undefined,
        dataDir: values['data-dir'] as string | undefined,
        port: parsePort(values.port as string | undefined),
        once: values.once === true,
      };
      const { runCommand } = await import('./commands/run.ts');
      return runCommand(options, io);
    },
  },
  demo: {
    summary: 'run the pipeline over bundled offline feeds and print what happened',
    usage: 'news-alerts demo [--data-dir DIR] [--json]',
    options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
    optionHelp: [
      '--data-dir DIR   storage of the demo (default: ./.news-alerts/demo); a second run on it delivers nothing new',
      '--json           print the summary as JSON',
    ],
    async run(values, _positionals, io) {
      const { demoCommand } = await import('./commands/demo.ts');
      return demoCommand({ dataDir: values['data-dir'] as string | undefined, json: values.json === true }, io);
    },
  },
  classify: {
    summary: 'classify JSON Lines items ({"id"?, "title", "summary"?}) by topic',
    usage: 'news-alerts classify [FILE|-] [--explain]',
    options: { explain: { type: 'boolean', default: false } },
    optionHelp: ['--explain        print each matched phrase with its field, position and rule'],
    async run(values, positionals, io) {
      if (positionals.length > 1) throw new UsageError('classify takes at most one FILE');
      const { runClassify } = await import('./commands/classify.ts');
      return runClassify({ file: positionals[0], explain: values.explain === true }, io);
    },
  },
  stories: {
    summary: 'group JSON Lines items ({"id", "title", "summary", …}) into stories, as the pipeline does',
    usage: 'news-alerts stories [FILE|-] [--explain]',
    options: { explain: { type: 'boolean', default: false } },
    optionHelp: ['--explain        also print whether each item founded or joined its story, and the similarity'],
    async run(values, positionals, io) {
      if (positionals.length > 1) throw new UsageError('stories takes at most one FILE');
      const { runStories } = await import('./commands/stories.ts');
      return runStories({ file: positionals[0], explain: values.explain === true }, io);
    },
  },
  eval: {
    summary: 'precision / recall / F1 per topic against the "labels" of each JSON line',
    usage: 'news-alerts eval FILE [--json]',
    options: { json: { type: 'boolean', default: false } },
    optionHelp: ['--json           print the figures as JSON'],
    async run(values, positionals, io) {
      if (positionals.length !== 1) throw new UsageError('eval needs exactly one FILE');
      const { runEval } = await import('./commands/eval.ts');
      return runEval(positionals[0] as string, io, { json: values.json === true });
    },
  },
  topics: {
    summary: 'list the topics (built-in and a config file\'s), or preview a topic file against JSON Lines items',
    usage: 'news-alerts topics list [--config FILE] [--json] | test TOPIC_FILE ITEMS.jsonl [--json]',
    options: { config: { type: 'string' }, json: { type: 'boolean', default: false } },
    optionHelp: [
      'list             id, label, threshold, rules and description of each topic: the built-in ones, and with',
      '                 --config FILE also that config file\'s user topics (validated as "run" validates them)',
      'test TOPIC_FILE ITEMS.jsonl',
      '                 run the topic in TOPIC_FILE (JSON, or YAML by extension) alone over the items',
      '                 ({"id"?, "title", "summary"?, "labels"?} per line): the items it matches with score and',
      '                 matched phrases, the near misses, and precision / recall / F1 when lines carry "labels"',
      '--config FILE    (list) a config file whose user topics to list beside the built-in ones',
      '--json           print the result as JSON',
    ],
    async run(values, positionals, io) {
      const [action, ...args] = positionals;
      const json = values.json === true;
      const { runTopicsList, runTopicsTest } = await import('./commands/topics.ts');
      if (action === 'list') {
        if (args.length > 0) throw new UsageError('topics list takes no arguments (use --config FILE for user topics)');
        return runTopicsList({ config: values.config as string | undefined, json }, io);
      }
      if (action === 'test') {
        if (args.length !== 2) throw new UsageError('topics test needs a TOPIC_FILE and an ITEMS.jsonl file');
        if (values.config !== undefined) throw new UsageError('--config is for topics list');
        return runTopicsTest({ topicFile: args[0] as string, itemsFile: args[1] as string, json }, io);
      }
      throw new UsageError(action === undefined ? 'topics needs an action: list or test' : `unknown topics action "${action}"`);
    },
  },
  parse: {
    summary: 'fetch (a URL) or read (a file) a feed and print its items as the pipeline normalizes them',
    usage: 'news-alerts parse FILE|URL [--base-url URL] [--content-type TYPE] [--json]',
    options: {
      'base-url': { type: 'string' },
      'content-type': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    optionHelp: [
      '--base-url URL   base of relative links (default: the URL after redirects; for a file, the feed\'s own link)',
      '--content-type TYPE  decode as this Content-Type, e.g. "text/xml; charset=windows-1251" (for a URL: instead of the server\'s)',
      '--json           print {"feed": {"title", "link"}, "items": [...]}; errors are always {"error": {"code", "message"}}',
    ],
    async run(values, positionals, io) {
      if (positionals.length !== 1) throw new UsageError('parse needs exactly one FILE or URL');
      const baseUrl = values['base-url'] as string | undefined;
      if (baseUrl !== undefined && !URL.canParse(baseUrl)) throw new UsageError(`--base-url must be an absolute URL, got "${baseUrl}"`);
      const options = {
        source: positionals[0] as string,
        baseUrl,
        contentType: values['content-type'] as string | undefined,
        json: values.json === true,
        allowPrivateNetwork: process.env.ALLOW_PRIVATE_NETWORK === 'true',
      };
      const { parseCommand } = await import('./commands/parse.ts');
      return parseCommand(options, io);
    },
  },
  feeds: {
    summary: 'add, list, remove feeds and show their health, in the local data folder or a deployed stack',
    usage: 'news-alerts feeds add ID URL [--title T] [--interval MIN] [--id-policy P] | list | remove ID | status [ID]  [--data-dir DIR | --stack NAME] [--json]',
    options: {
      'data-dir': { type: 'string' },
      stack: { type: 'string' },
      title: { type: 'string' },
      interval: { type: 'string' },
      'id-policy': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    optionHelp: [
      'add ID URL       add a feed (or update it, resetting its health: a feed disabled by HTTP 410 resumes)',
      'list             the feeds, their interval and state',
      'remove ID        remove a feed',
      'status [ID]      health: last success, last error, consecutive errors, items seen, interval, next poll',
      '--data-dir DIR   the data folder of "news-alerts run" (default: ./.news-alerts); run must be stopped',
      '--stack NAME     a deployed stack (AWS or LocalStack) instead, found through its outputs',
      '--title T        (add) the feed\'s display name',
      '--interval MIN   (add) shortest minutes between polls, 1–1440 (default 10)',
      '--id-policy P    (add) item identity: auto (default), guid, link or content',
      '--json           print the result as JSON',
    ],
    async run(values, positionals, io) {
      const [action, ...args] = positionals;
      if (action !== 'add' && action !== 'list' && action !== 'remove' && action !== 'status') {
        throw new UsageError(action === undefined ? 'feeds needs an action: add, list, remove or status' : `unknown feeds action "${action}"`);
      }
      const options = {
        action: action as 'add' | 'list' | 'remove' | 'status',
        args,
        dataDir: values['data-dir'] as string | undefined,
        stack: values.stack as string | undefined,
        title: values.title as string | undefined,
        intervalMinutes: parseInterval(values.interval as string | undefined),
        idPolicy: values['id-policy'] as string | undefined,
        json: values.json === true,
      };
      const { feedsCommand } = await import('./commands/feeds.ts');
      return feedsCommand(options, io);
    },
  },
  subscribers: {
    summary: 'add, list, remove subscribers (or resume paused channels), in the local data folder or a deployed stack',
    usage:
      'news-alerts subscribers add ID --topic T [--topic T…] [--email A] [--webhook URL…] [--slack URL…] [options] | list [--topic T] | remove ID | resume ID [--channel C]  [--data-dir DIR | --stack NAME] [--json]',
    options: {
      'data-dir': { type: 'string' },
      stack: { type: 'string' },
      json: { type: 'boolean', default: false },
      topic: { type: 'string', multiple: true },
      name: { type: 'string' },
      email: { type: 'string' },
      webhook: { type: 'string', multiple: true },
      slack: { type: 'string', multiple: true },
      secret: { type: 'string' },
      'previous-secret': { type: 'string' },
      filter: { type: 'string' },
      'min-score': { type: 'string' },
      cadence: { type: 'string' },
      hour: { type: 'string' },
      'time-zone': { type: 'string' },
      'weekly-day': { type: 'string' },
      paused: { type: 'boolean', default: false },
      channel: { type: 'string' },
    },
    optionHelp: [
      'add ID           add a subscriber, or replace the one with this id (its unsubscribed and paused channels stay so)',
      'list             the subscribers: topics, filter, channels with cadence and state (--topic T: one topic\'s)',
      'remove ID        remove a subscriber',
      'resume ID        put channels paused after delivery failures back (--channel C: only that one)',
      '--topic T        (add) a topic id, built-in or user-defined; repeat for several',
      '--email A        (add) an email address',
      '--webhook URL    (add) a JSON webhook, signed per Standard Webhooks; repeat for several',
      '--slack URL      (add) a Slack incoming webhook; repeat for several',
      '--secret S       (add) the signing secret, whsec_ + base64 (needed with --webhook)',
      '--previous-secret S  (add) the secret being rotated out: payloads carry both signatures',
      '--filter Q       (add) keyword filter, e.g. \'sanctions AND (Iran OR Tehran) NOT title:oil\'',
      '--min-score N    (add) lowest topic score (0–1) that reaches this subscriber',
      '--cadence C      (add) email: instant (default), hourly, daily or weekly digest',
      '--hour H         (add) hour of daily/weekly digests, 0–23 (default 8)',
      '--time-zone TZ   (add) IANA time zone of --hour (default UTC), e.g. Europe/Kyiv',
      '--weekly-day D   (add) day of the weekly digest: mon … sun (default mon)',
      '--paused         (add) store it paused',
      '--data-dir DIR   the data folder of "news-alerts run" (default: ./.news-alerts); run must be stopped',
      '--stack NAME     a deployed stack (AWS or LocalStack) instead, found through its outputs',
      '--json           print the result as JSON (secrets are never printed)',
    ],
    async run(values, positionals, io) {
      const [action, ...args] = positionals;
      const dataDir = values['data-dir'] as string | undefined;
      const stack = values.stack as string | undefined;
      if (dataDir !== undefined && stack !== undefined) throw new UsageError('pass --data-dir or --stack, not both');
      const common = { dataDir, stack, json: values.json === true };
      const one = (what: string) => {
        if (args.length !== 1) throw new UsageError(`${what} needs exactly one ID`);
        return args[0] as string;
      };
      const { subscribersCommand } = await import('./commands/subscribers.ts');
      switch (action) {
        case 'add':
          return subscribersCommand(
            {
              ...common,
              action,
              subscriber: {
                id: one('add'),
                name: values.name as string | undefined,
                topics: (values.topic as string[] | undefined) ?? [],
                email: values.email as string | undefined,
                webhooks: (values.webhook as string[] | undefined) ?? [],
                slack: (values.slack as string[] | undefined) ?? [],
                secret: values.secret as string | undefined,
                previousSecret: values['previous-secret'] as string | undefined,
                filter: values.filter as string | undefined,
                minScore: values['min-score'] as string | undefined,
                cadence: values.cadence as string | undefined,
                hour: values.hour as string | undefined,
                timeZone: values['time-zone'] as string | undefined,
                weeklyDay: values['weekly-day'] as string | undefined,
                paused: values.paused === true,
              },
            },
            io,
          );
        case 'list':
          if (args.length > 0) throw new UsageError('list takes no arguments');
          return subscribersCommand({ ...common, action, topic: (values.topic as string[] | undefined)?.[0] }, io);
        case 'remove':
          return subscribersCommand({ ...common, action, id: one('remove') }, io);
        case 'resume':
          return subscribersCommand({ ...common, action, id: one('resume'), channel: values.channel as string | undefined }, io);
        default:
          throw new UsageError(action === undefined ? 'subscribers needs add, list, remove or resume' : `unknown action "${action}"`);
      }
    },
  },
  dlq: {
    summary: 'list what failed in the dead-letter queues and why, or put it back (redrive), locally or in a deployed stack',
    usage: 'news-alerts dlq list [QUEUE] [--limit N] | redrive [QUEUE]  [--data-dir DIR | --stack NAME] [--json]',
    options: {
      'data-dir': { type: 'string' },
      stack: { type: 'string' },
      json: { type: 'boolean', default: false },
      limit: { type: 'string' },
    },
    optionHelp: [
      'list [QUEUE]     dead letters of one queue (poll, alert, webhook, email) or all: what each was for, and why it failed',
      'redrive [QUEUE]  move them back to their queue (SQS StartMessageMoveTask in AWS; a move loop locally)',
      '--limit N        (list) most messages shown per queue (default 20)',
      '--data-dir DIR   the data folder of "news-alerts run" (default: ./.news-alerts); run must be stopped',
      '--stack NAME     a deployed stack (AWS or LocalStack) instead',
      '--json           print the result as JSON',
    ],
    async run(values, positionals, io) {
      const [action, ...args] = positionals;
      if (action !== 'list' && action !== 'redrive') {
        throw new UsageError(action === undefined ? 'dlq needs list or redrive' : `unknown action "${action}"`);
      }
      if (args.length > 1) throw new UsageError(`${action} takes at most one QUEUE`);
      const dataDir = values['data-dir'] as string | undefined;
      const stack = values.stack as string | undefined;
      if (dataDir !== undefined && stack !== undefined) throw new UsageError('pass --data-dir or --stack, not both');
      const limitText = values.limit as string | undefined;
      const limit = limitText === undefined ? 20 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be 1–1000, got "${limitText}"`);
      const { dlqCommand } = await import('./commands/dlq.ts');
      return dlqCommand({ action, queue: args[0], dataDir, stack, json: values.json === true, limit }, io);
    },
  },
  'apply-config': {
    summary: 'load feeds, topics and subscribers from a config file into a deployed stack (AWS or LocalStack)',
    usage: 'news-alerts apply-config FILE [--stack NAME] [--dry-run] [--json]',
    options: {
      stack: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    optionHelp: [
      '--stack NAME     CloudFormation stack whose tables to write (default: NewsAlerts)',
      '--dry-run        validate the file and read the stack, print what would be written, write nothing',
      '--json           print the result as JSON',
    ],
    async run(values, positionals, io) {
      if (positionals.length !== 1) throw new UsageError('apply-config needs exactly one FILE');
      const stack = (values.stack as string | undefined) ?? defaultStackName;
      if (stack.trim() === '') throw new UsageError('--stack needs a stack name');
      const options = { file: positionals[0] as string, stack, dryRun: values['dry-run'] === true, json: values.json === true };
      const { applyConfigCommand } = await import('./commands/apply-config.ts');
      return applyConfigCommand(options, io);
    },
  },
};

function parseInterval(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const minutes = Number(text);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw new UsageError(`--interval must be 1–1440 minutes, got "${text}"`);
  return minutes;
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got "${text}"`);
  return port;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function generalHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'news-alerts — poll news feeds, classify items by topic, deliver alerts by webhook and email',
    '',
    'Usage: news-alerts <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --help           show help (also: news-alerts <command> --help)',
    '  --version        print the version',
    '',
    'Exit codes: 0 success, 1 failure, 2 bad usage.',
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  return [`Usage: ${command.usage}`, '', command.summary, '', 'Options:', ...command.optionHelp.map((l) => `  ${l}`), '  --help           show this help'].join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${generalHelp()}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`news-alerts: unknown command "${name}"\n\n${generalHelp()}\n`);
    return EXIT_USAGE;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout.write(`${commandHelp(name, command)}\n`);
      return EXIT_OK;
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`news-alerts ${name}: ${(error as Error).message}\n\n${commandHelp(name, command)}\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof NewsAlertsError ? error.message : ((error as Error)?.stack ?? String(error));
    io.stderr.write(`news-alerts ${name}: ${message}\n`);
    return EXIT_FAILURE;
  }
}
