import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../../cli/command.ts';
import { UsageError } from '../../../cli/io.ts';
import { integerIn, nonBlank } from '../../../cli/options.ts';
import { captureIo } from '../../helpers/capture-io.ts';

/** A command with every kind of option, recording what `run` got. */
function plainCommand() {
  const runs: unknown[] = [];
  const command = defineCommand({
    name: 'fetch',
    summary: 'fetch things',
    args: [{ name: 'SOURCE' }, { name: 'TARGET', optional: true }],
    options: {
      dataDir: { type: 'string', value: 'DIR', description: 'where things live', defaultHelp: './things' },
      limit: { type: 'string', value: 'N', default: '20', parse: integerIn(1, 100), description: 'most things' },
      tag: { type: 'string', value: 'T', multiple: true, description: 'a tag; repeat for several' },
      json: { type: 'boolean', description: 'print JSON' },
    },
    async run(input) {
      // Typed: a number, a list, a boolean, a possibly absent string; no casts.
      const limit: number = input.values.limit;
      const tags: string[] = input.values.tag;
      const json: boolean = input.values.json;
      const dataDir: string | undefined = input.values.dataDir;
      const [source, target]: [string, string | undefined] = input.args;
      runs.push({ limit, tags, json, dataDir, source, target });
      return 0;
    },
  });
  return { command, runs };
}

function actionCommand() {
  const runs: unknown[] = [];
  const command = defineCommand({
    name: 'items',
    summary: 'manage items',
    actions: {
      add: { args: [{ name: 'ID' }, { name: 'URL' }], description: 'add an item' },
      list: { description: 'the items' },
      show: { args: [{ name: 'ID', optional: true }], description: 'one item, or all' },
    },
    options: {
      title: { type: 'string', value: 'T', actions: ['add'], description: "the item's title" },
      dataDir: { type: 'string', value: 'DIR', group: 'target', description: 'a data folder' },
      stack: { type: 'string', value: 'NAME', group: 'target', parse: nonBlank('a stack name'), description: 'a stack instead' },
      json: { type: 'boolean', description: 'print JSON' },
    },
    async run(input) {
      if (input.action === 'add') {
        const [id, url]: [string, string] = input.args;
        runs.push({ action: input.action, id, url, title: input.values.title });
      } else {
        runs.push({ action: input.action, args: input.args, values: input.values });
      }
      return 0;
    },
  });
  return { command, runs };
}

async function usageErrorOf(run: () => Promise<unknown>): Promise<string> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('defineCommand: parsing', () => {
  it('gives run typed values: defaults applied and parsed, lists for repeated flags, kebab-case flags', async () => {
    // Prepare
    const { command, runs } = plainCommand();

    // Act
    await command.execute(['a.xml', '--data-dir', '/tmp/x', '--tag', 'one', '--tag', 'two', '--json'], captureIo().io);
    await command.execute(['a.xml', 'b.xml', '--limit', '5'], captureIo().io);

    // Assess
    expect(runs).toEqual([
      { limit: 20, tags: ['one', 'two'], json: true, dataDir: '/tmp/x', source: 'a.xml', target: undefined },
      { limit: 5, tags: [], json: false, dataDir: undefined, source: 'a.xml', target: 'b.xml' },
    ]);
  });

  it('refuses bad usage with a UsageError that says what is wrong, before run', async () => {
    const { command, runs } = plainCommand();
    const io = captureIo().io;
    expect(await usageErrorOf(() => command.execute(['a', '--jsn'], io))).toContain("Unknown option '--jsn'");
    expect(await usageErrorOf(() => command.execute([], io))).toBe('fetch takes SOURCE [TARGET]');
    expect(await usageErrorOf(() => command.execute(['a', 'b', 'c'], io))).toBe('fetch takes SOURCE [TARGET]');
    expect(await usageErrorOf(() => command.execute(['a', '--limit', '0'], io))).toBe('--limit must be 1–100, got "0"');
    expect(await usageErrorOf(() => command.execute(['a', '--limit'], io))).toContain('--limit');
    expect(runs).toEqual([]);
  });

  it('names the action and its arguments in usage errors', async () => {
    const { command, runs } = actionCommand();
    const io = captureIo().io;
    expect(await usageErrorOf(() => command.execute([], io))).toBe('items needs an action: add, list or show');
    expect(await usageErrorOf(() => command.execute(['drop'], io))).toBe('unknown items action "drop"');
    expect(await usageErrorOf(() => command.execute(['add', 'x'], io))).toBe('items add needs ID and URL');
    expect(await usageErrorOf(() => command.execute(['list', 'x'], io))).toBe('items list takes no arguments');
    expect(await usageErrorOf(() => command.execute(['show', 'x', 'y'], io))).toBe('items show takes at most one ID');
    expect(await usageErrorOf(() => command.execute(['list', '--title', 'T'], io))).toBe('--title goes only with "items add"');
    expect(await usageErrorOf(() => command.execute(['list', '--data-dir', 'd', '--stack', 's'], io))).toBe(
      'pass --data-dir or --stack, not both',
    );
    expect(await usageErrorOf(() => command.execute(['list', '--stack', ' '], io))).toBe('--stack needs a stack name');
    expect(runs).toEqual([]);
  });

  it('runs the action with its arguments', async () => {
    const { command, runs } = actionCommand();
    expect(await command.execute(['add', 'un', 'https://news.un.org/feed', '--title', 'UN'], captureIo().io)).toBe(0);
    expect(await command.execute(['show', '--stack', 'NewsAlerts'], captureIo().io)).toBe(0);
    expect(runs).toEqual([
      { action: 'add', id: 'un', url: 'https://news.un.org/feed', title: 'UN' },
      { action: 'show', args: [undefined], values: { title: undefined, dataDir: undefined, stack: 'NewsAlerts', json: false } },
    ]);
  });

  it('prints the help for --help or -h (also after an action), exit 0, without running', async () => {
    const { command, runs } = actionCommand();
    for (const argv of [['--help'], ['-h'], ['add', '--help']]) {
      const { io, out } = captureIo();
      expect(await command.execute(argv, io)).toBe(0);
      expect(out()).toBe(`${command.help()}\n`);
    }
    expect(runs).toEqual([]);
  });
});

describe('defineCommand: help', () => {
  it('is generated from the declaration: usage, summary, options with their defaults', () => {
    expect(plainCommand().command.help()).toBe(
      [
        'Usage: news-alerts fetch SOURCE [TARGET] [--data-dir DIR] [--limit N] [--tag T…] [--json]',
        '',
        'fetch things',
        '',
        'Options:',
        '  --data-dir DIR   where things live (default: ./things)',
        '  --limit N        most things (default: 20)',
        '  --tag T          a tag; repeat for several',
        '  --json           print JSON',
        '  --help           show this help',
      ].join('\n'),
    );
  });

  it('gives a usage line per action, the options that go with one action marked, exclusive ones as one choice', () => {
    expect(actionCommand().command.help()).toBe(
      [
        'Usage: news-alerts items add ID URL [--title T] [--data-dir DIR | --stack NAME] [--json]',
        '       news-alerts items list [--data-dir DIR | --stack NAME] [--json]',
        '       news-alerts items show [ID] [--data-dir DIR | --stack NAME] [--json]',
        '',
        'manage items',
        '',
        'Actions:',
        '  add ID URL       add an item',
        '  list             the items',
        '  show [ID]        one item, or all',
        '',
        'Options:',
        "  --title T        (add) the item's title",
        '  --data-dir DIR   a data folder',
        '  --stack NAME     a stack instead',
        '  --json           print JSON',
        '  --help           show this help',
      ].join('\n'),
    );
  });

  it('wraps long lines at 100 columns under their column', () => {
    const command = defineCommand({
      name: 'long',
      summary: 'a command with much to say',
      options: Object.fromEntries(
        ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'].map((name) => [
          name,
          {
            type: 'string',
            value: 'VALUE',
            description: `the ${name} value, which takes a long sentence to explain properly, longer than one line of the help can hold`,
          },
        ]),
      ) as Record<string, { type: 'string'; value: string; description: string }>,
      async run() {
        return 0;
      },
    });
    const lines = command.help().split('\n');
    expect(lines.every((line) => line.length <= 100)).toBe(true);
    expect(lines[0]).toMatch(/^Usage: news-alerts long \[--alpha VALUE\]/);
    expect(lines[1]).toMatch(/^ {11}\[--/);
    const alpha = lines.findIndex((line) => line.startsWith('  --alpha VALUE'));
    expect(lines[alpha + 1]).toMatch(/^ {19}\S/);
  });
});
