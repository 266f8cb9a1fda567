/**
 * The `news-alerts` dispatcher: finds the command, runs it, and maps what happened to the exit
 * code (0 ok, 1 failure, 2 bad usage). Each command is a module under `commands/` declaring its
 * options, help and `run` (see `command.ts`); modules load on use, so a command does not pay for
 * another's dependencies (the AWS SDK, the embedded engines, the classifier).
 */
import { readFileSync } from 'node:fs';
import { NewsAlertsError } from '../shared/core/errors.ts';
import type { Command } from './command.ts';
import { packagePath } from './package-files.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo, UsageError, processIo } from './io.ts';

/** Every command, in the order of the help; each module exports `command`. */
export const commandModules: Readonly<Record<string, () => Promise<{ command: Command }>>> = {
  run: () => import('./commands/run.ts'),
  demo: () => import('./commands/demo.ts'),
  classify: () => import('./commands/classify.ts'),
  stories: () => import('./commands/stories.ts'),
  eval: () => import('./commands/eval.ts'),
  topics: () => import('./commands/topics.ts'),
  parse: () => import('./commands/parse.ts'),
  feeds: () => import('./commands/feeds.ts'),
  subscribers: () => import('./commands/subscribers.ts'),
  dlq: () => import('./commands/dlq.ts'),
  digest: () => import('./commands/digest.ts'),
  'apply-config': () => import('./commands/apply-config.ts'),
};

/** Every command, loaded. */
export async function loadCommands(): Promise<Command[]> {
  return Promise.all(Object.values(commandModules).map(async (load) => (await load()).command));
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${generalHelp(await loadCommands())}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const load = Object.hasOwn(commandModules, name) ? commandModules[name] : undefined;
  if (!load) {
    io.stderr.write(`news-alerts: unknown command "${name}"\nRun "news-alerts --help" for the list of commands.\n`);
    return EXIT_USAGE;
  }
  try {
    const { command } = await load();
    return await command.execute(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`news-alerts ${name}: ${error.message}\nRun "news-alerts ${name} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    // Our errors say what failed and why; anything else is a bug, and its stack says where.
    const message = error instanceof NewsAlertsError ? error.message : ((error as Error)?.stack ?? String(error));
    io.stderr.write(`news-alerts ${name}: ${message}\n`);
    return EXIT_FAILURE;
  }
}

function generalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'news-alerts — poll news feeds, classify items by topic, deliver alerts by webhook and email',
    '',
    'Usage: news-alerts <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  --help           show help (also: news-alerts <command> --help)',
    '  --version        print the version',
    '',
    'Exit codes: 0 success, 1 failure, 2 bad usage.',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
