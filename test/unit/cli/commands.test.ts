import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flagName } from '../../../cli/command.ts';
import { commandModules, loadCommands } from '../../../cli/main.ts';
import { feedConfigSchema } from '../../../shared/config/config-file.ts';
import { captureIo } from '../../helpers/capture-io.ts';

const commands = await loadCommands();
const cliReference = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'cli.md'), 'utf8');

describe('the news-alerts commands', () => {
  it('are each a module whose declared name is the one the dispatcher knows it by', () => {
    expect(commands.map((command) => command.name)).toEqual(Object.keys(commandModules));
  });

  it('each have generated help: usage lines naming the command, every option described, lines of at most 100 columns', () => {
    for (const command of commands) {
      const help = command.help();
      expect(help.startsWith(`Usage: news-alerts ${command.name}`), command.name).toBe(true);
      for (const [key, option] of Object.entries(command.options)) {
        expect(option.description.length, `${command.name} --${flagName(key)}`).toBeGreaterThan(0);
        expect(help, command.name).toContain(`  --${flagName(key)}`);
      }
      for (const action of Object.keys(command.actions ?? {}))
        expect(command.usage().join('\n')).toContain(`news-alerts ${command.name} ${action}`);
      expect(
        help.split('\n').filter((line) => line.length > 100),
        command.name,
      ).toEqual([]);
    }
  });

  it('show the defaults the code applies', async () => {
    const { io, out } = captureIo();
    const { command } = await commandModules.feeds!();
    expect(await command.execute(['--help'], io)).toBe(0);
    expect(out()).toContain(
      `longest minutes a healthy feed waits between polls, 1–1440 (default: ${feedConfigSchema.shape.intervalMinutes.parse(undefined)})`,
    );
  });

  it('are all in the CLI reference (docs/cli.md), with every action and flag', () => {
    for (const command of commands) {
      expect(cliReference, command.name).toContain(`\`${command.name}`);
      for (const action of Object.keys(command.actions ?? {}))
        expect(cliReference, `${command.name} ${action}`).toContain(`${command.name} ${action}`);
      for (const key of Object.keys(command.options))
        expect(cliReference, `${command.name} --${flagName(key)}`).toContain(`--${flagName(key)}`);
    }
  });
});
