/**
 * A command of the news-alerts CLI, declared once: its options, its positional arguments (or its
 * actions, as in `feeds add ID URL`), a one-line summary and `run`. Parsing (Node's
 * `util.parseArgs`), the usage checks (arity, actions, options that go with one action, options
 * that exclude each other) and the help text are all derived from that declaration, so the help
 * cannot drift from what is parsed, and `run` gets typed values: no casts.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { EXIT_OK, UsageError, type CliIo } from './io.ts';

interface OptionBase {
  /** One sentence of help; long ones are wrapped. */
  description: string;
  /** A one-letter alias. */
  short?: string;
  /** The actions it goes with (`feeds add`); all when absent. Given with another, it is a usage error. */
  actions?: readonly string[];
  /** Options of one group exclude each other (`--data-dir` or `--stack`). */
  group?: string;
}

/** A flag without a value (`--json`): `true` when given. */
export interface BooleanOption extends OptionBase {
  type: 'boolean';
}

/** A flag with a value (`--port N`), text unless `parse` makes it something else. */
export interface StringOption<T = unknown> extends OptionBase {
  type: 'string';
  /** The value's placeholder in help: FILE, DIR, N. */
  value: string;
  /** May be repeated (`--topic a --topic b`); the values come as a list. */
  multiple?: boolean;
  /** Used when the flag is absent; shown in help. */
  default?: string;
  /** Shown in help as the default when `run` decides it (`./news-alerts.yaml if present, …`). */
  defaultHelp?: string;
  /** Text to value; throws a UsageError naming `flag` when the text is not acceptable. */
  parse?: (text: string, flag: string) => T;
}

export type OptionSpec = BooleanOption | StringOption;
/** Options by name; the flag is the name in kebab case (`dataDir` → `--data-dir`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A positional argument. */
export interface ArgSpec {
  /** Its placeholder in help: FILE, ID. */
  name: string;
  optional?: boolean;
  /** How a usage error names it (`FILE or URL`, `an ITEMS.jsonl file`); `name` when absent. */
  noun?: string;
}

/** A sub-command (`feeds add`): its arguments and one line of help. */
export interface ActionSpec {
  args?: readonly ArgSpec[];
  description: string;
}

type ParsedText<O> = O extends { parse: (text: string, flag: string) => infer T } ? T : string;

/** What `run` gets for an option: a boolean, a list (repeatable), or a value (absent: undefined, unless defaulted). */
export type OptionValue<O> = O extends { type: 'boolean' }
  ? boolean
  : O extends { multiple: true }
    ? ParsedText<O>[]
    : O extends { default: string }
      ? ParsedText<O>
      : ParsedText<O> | undefined;

export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: OptionValue<O[K]> };

/** Positionals as a tuple, optional ones possibly undefined. */
export type ArgValues<A extends readonly ArgSpec[]> = {
  -readonly [I in keyof A]: A[I] extends { optional: true } ? string | undefined : string;
};

type ArgsOf<S extends ActionSpec> = S['args'] extends readonly ArgSpec[] ? S['args'] : [];

/** One action and its arguments, as a union discriminated by `action`. */
export type ActionInput<Acts extends Readonly<Record<string, ActionSpec>>> = {
  [K in keyof Acts & string]: { action: K; args: ArgValues<ArgsOf<Acts[K]>> };
}[keyof Acts & string];

interface CommandSpecBase<O extends OptionSpecs> {
  name: string;
  /** One line: in the command list and under the usage. */
  summary: string;
  options: O;
}

/** A command with positional arguments (`eval FILE`). */
export interface PlainCommandSpec<O extends OptionSpecs, A extends readonly ArgSpec[]> extends CommandSpecBase<O> {
  args?: A;
  run(input: { values: OptionValues<O>; args: ArgValues<A> }, io: CliIo): Promise<number>;
}

/** A command with actions (`feeds add|list|remove|status`). */
export interface ActionCommandSpec<O extends OptionSpecs, Acts extends Readonly<Record<string, ActionSpec>>> extends CommandSpecBase<O> {
  actions: Acts;
  run(input: { values: OptionValues<O> } & ActionInput<Acts>, io: CliIo): Promise<number>;
}

/** A declared command: what the dispatcher and tests use. */
export interface Command {
  name: string;
  summary: string;
  options: OptionSpecs;
  args?: readonly ArgSpec[];
  actions?: Readonly<Record<string, ActionSpec>>;
  /** The help text: usage, summary, actions, options with their defaults. */
  help(): string;
  /** The usage lines alone (`Usage: news-alerts …`). */
  usage(): string[];
  /** Parses `argv` (what follows the command's name), prints help for `--help`, else runs; UsageError on bad usage. */
  execute(argv: readonly string[], io: CliIo): Promise<number>;
}

/** Declares a command; see `Command`. */
export function defineCommand<const O extends OptionSpecs, const Acts extends Readonly<Record<string, ActionSpec>>>(
  spec: ActionCommandSpec<O, Acts>,
): Command;
export function defineCommand<const O extends OptionSpecs, const A extends readonly ArgSpec[] = []>(spec: PlainCommandSpec<O, A>): Command;
export function defineCommand(spec: CommandSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    options: spec.options,
    ...('actions' in spec ? { actions: spec.actions } : spec.args ? { args: spec.args } : {}),
    help: () => renderHelp(spec),
    usage: () => usageLines(spec),
    async execute(argv, io) {
      const input = parseInput(spec, argv);
      if (input === 'help') {
        io.stdout.write(`${renderHelp(spec)}\n`);
        return EXIT_OK;
      }
      return (spec.run as (input: ParsedInput, io: CliIo) => Promise<number>)(input, io);
    },
  };
}

// The declaration with its types erased, as the parser and the help see it.
type CommandSpec = CommandSpecBase<OptionSpecs> & {
  args?: readonly ArgSpec[];
  actions?: Readonly<Record<string, ActionSpec>>;
  run(input: never, io: CliIo): Promise<number>;
};
type ParsedInput = { values: Record<string, unknown>; args: (string | undefined)[]; action?: string };

/** `dataDir` → `data-dir`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function parseInput(spec: CommandSpec, argv: readonly string[]): ParsedInput | 'help' {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [key, option] of Object.entries(spec.options)) {
    config[flagName(key)] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.type === 'string' && option.multiple ? { multiple: true } : {}),
    };
  }
  const parsed = parseArgv(argv, config);
  if (parsed.values.help === true) return 'help';

  let positionals = parsed.positionals;
  let action: string | undefined;
  let argSpecs = spec.args ?? [];
  let invocation = spec.name;
  if (spec.actions) {
    [action, ...positionals] = positionals;
    const names = Object.keys(spec.actions);
    if (action === undefined) throw new UsageError(`${spec.name} needs an action: ${either(names)}`);
    const chosen = Object.hasOwn(spec.actions, action) ? spec.actions[action] : undefined;
    if (!chosen) throw new UsageError(`unknown ${spec.name} action "${action}"`);
    argSpecs = chosen.args ?? [];
    invocation = `${spec.name} ${action}`;
  }
  checkArity(invocation, argSpecs, positionals);

  const values: Record<string, unknown> = {};
  const givenByGroup = new Map<string, string[]>();
  for (const [key, option] of Object.entries(spec.options)) {
    const flag = `--${flagName(key)}`;
    const raw = parsed.values[flagName(key)];
    if (raw !== undefined) {
      if (action !== undefined && option.actions && !option.actions.includes(action)) {
        throw new UsageError(`${flag} goes only with ${either(option.actions.map((name) => `"${spec.name} ${name}"`))}`);
      }
      if (option.group) givenByGroup.set(option.group, [...(givenByGroup.get(option.group) ?? []), flag]);
    }
    values[key] = optionValue(option, raw, flag);
  }
  for (const flags of givenByGroup.values()) {
    if (flags.length > 1) throw new UsageError(`pass ${either(flags)}, not ${flags.length === 2 ? 'both' : 'several'}`);
  }
  return { values, args: argSpecs.map((_, index) => positionals[index]), ...(action === undefined ? {} : { action }) };
}

/** Node's parse; an unknown flag or a missing value is a UsageError whose message names the flag. */
function parseArgv(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

function optionValue(option: OptionSpec, raw: string | boolean | (string | boolean)[] | undefined, flag: string): unknown {
  if (option.type === 'boolean') return raw === true;
  const parse = option.parse ?? ((text: string) => text);
  if (option.multiple) return ((raw as string[] | undefined) ?? []).map((text) => parse(text, flag));
  const text = (raw as string | undefined) ?? option.default;
  return text === undefined ? undefined : parse(text, flag);
}

function checkArity(invocation: string, specs: readonly ArgSpec[], given: readonly string[]): void {
  const required = specs.filter((spec) => !spec.optional).length;
  if (given.length >= required && given.length <= specs.length) return;
  const nouns = specs.map((spec) => spec.noun ?? spec.name);
  if (specs.length === 0) throw new UsageError(`${invocation} takes no arguments`);
  if (required === 0 && specs.length === 1) throw new UsageError(`${invocation} takes at most one ${nouns[0]}`);
  if (required === 1 && specs.length === 1) throw new UsageError(`${invocation} needs exactly one ${nouns[0]}`);
  if (required === specs.length) throw new UsageError(`${invocation} needs ${nouns.join(' and ')}`);
  throw new UsageError(`${invocation} takes ${argTokens(specs).join(' ')}`);
}

/** `a`, `a or b`, `a, b or c`. */
function either(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

// ---------------------------------------------------------------------------------------------
// Help

/** Width of the help's name column (`--config FILE    `), and where long lines wrap. */
const NAME_COLUMN = 17;
const LINE_WIDTH = 100;

function renderHelp(spec: CommandSpec): string {
  const lines = [...usageLines(spec), '', ...wrap(spec.summary.split(' '), '', '')];
  if (spec.actions) {
    lines.push('', 'Actions:');
    for (const [name, action] of Object.entries(spec.actions))
      lines.push(...item([name, ...argTokens(action.args ?? [])].join(' '), action.description));
  }
  lines.push('', 'Options:');
  for (const [key, option] of Object.entries(spec.options)) lines.push(...item(optionLabel(key, option), optionDescription(option, spec)));
  lines.push(...item('--help', 'show this help'));
  return lines.join('\n');
}

/** One synopsis per action (or one for the command), wrapped; action-specific options first. */
function usageLines(spec: CommandSpec): string[] {
  const synopses = spec.actions
    ? Object.entries(spec.actions).map(([name, action]) => [
        `news-alerts ${spec.name} ${name}`,
        ...argTokens(action.args ?? []),
        ...optionTokens(spec.options, name),
      ])
    : [[`news-alerts ${spec.name}`, ...argTokens(spec.args ?? []), ...optionTokens(spec.options, undefined)]];
  return synopses.flatMap((tokens, index) => wrap(tokens, index === 0 ? 'Usage: ' : '       ', ' '.repeat(11)));
}

function argTokens(specs: readonly ArgSpec[]): string[] {
  return specs.map((spec) => (spec.optional ? `[${spec.name}]` : spec.name));
}

function optionTokens(options: OptionSpecs, action: string | undefined): string[] {
  const entries = Object.entries(options).filter(
    ([, option]) => action === undefined || !option.actions || option.actions.includes(action),
  );
  const ordered = [...entries.filter(([, o]) => o.actions), ...entries.filter(([, o]) => !o.actions)];
  const tokens: string[] = [];
  const groupsDone = new Set<string>();
  for (const [key, option] of ordered) {
    if (option.group === undefined) {
      tokens.push(`[${optionSynopsis(key, option)}]`);
    } else if (!groupsDone.has(option.group)) {
      groupsDone.add(option.group);
      const members = ordered.filter(([, other]) => other.group === option.group);
      tokens.push(`[${members.map(([k, o]) => optionSynopsis(k, o)).join(' | ')}]`);
    }
  }
  return tokens;
}

function optionSynopsis(key: string, option: OptionSpec): string {
  return option.type === 'boolean' ? `--${flagName(key)}` : `--${flagName(key)} ${option.value}${option.multiple ? '…' : ''}`;
}

function optionLabel(key: string, option: OptionSpec): string {
  return option.type === 'boolean' ? `--${flagName(key)}` : `--${flagName(key)} ${option.value}`;
}

/** The words of an option's help: `(add)` when it goes with some actions, the default kept on one line. */
function optionDescription(option: OptionSpec, spec: CommandSpec): string[] {
  const scope = spec.actions && option.actions ? [`(${option.actions.join(', ')})`] : [];
  const shown = option.type === 'string' ? (option.defaultHelp ?? option.default) : undefined;
  return [...scope, ...option.description.split(' '), ...(shown === undefined ? [] : [`(default: ${shown})`])];
}

/** `  name             description`, the description wrapped under itself. */
function item(name: string, words: string | readonly string[]): string[] {
  const head = name.length + 2 <= NAME_COLUMN ? `  ${name.padEnd(NAME_COLUMN)}` : `  ${name}  `;
  return wrap(typeof words === 'string' ? words.split(' ') : words, head, ' '.repeat(NAME_COLUMN + 2));
}

/** Words (or tokens) filled into lines of LINE_WIDTH, the first after `first`, the others after `rest`. */
function wrap(words: readonly string[], first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > LINE_WIDTH) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
