import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { defaultStackName } from '../infra/aws/stack-outputs.ts';
import { NewsAlertsError } from '../shared/runtime/errors.ts';
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
