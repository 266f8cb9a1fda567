/**
 * Options several commands share (where an operator command acts, `--json`) and the value
 * parsers of typed options. Kept free of heavy imports: every command's declaration loads it.
 */
import { UsageError } from './io.ts';

/** The default data folder of `news-alerts run`, relative to the working directory. */
export const defaultDataDir = '.news-alerts';

/** A whole number from `min` to `max`; the error names the flag and what it got. */
export function integerIn(min: number, max: number, unit?: string): (text: string, flag: string) => number {
  return (text, flag) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(`${flag} must be ${min}–${max}${unit ? ` ${unit}` : ''}, got "${text}"`);
    }
    return value;
  };
}

/** Text that is not blank: `--stack ''` is a mistake, not a name. */
export function nonBlank(what: string): (text: string, flag: string) => string {
  return (text, flag) => {
    if (text.trim() === '') throw new UsageError(`${flag} needs ${what}`);
    return text;
  };
}

/** An absolute URL, kept as given. */
export function absoluteUrl(text: string, flag: string): string {
  if (!URL.canParse(text)) throw new UsageError(`${flag} must be an absolute URL, got "${text}"`);
  return text;
}

/** `--json`. */
export const jsonOption = { type: 'boolean', description: 'print the result as JSON' } as const;

/**
 * Where an operator command acts (`feeds`, `subscribers`, `dlq`): the data folder of the
 * one-process runtime, or a deployed stack; one or the other.
 */
export const targetOptions = {
  dataDir: {
    type: 'string',
    value: 'DIR',
    group: 'target',
    description: 'the data folder of "news-alerts run"; run must be stopped',
    defaultHelp: defaultDataDir,
  },
  stack: {
    type: 'string',
    value: 'NAME',
    group: 'target',
    description: 'a deployed stack (AWS or LocalStack) instead, found through its outputs',
    parse: nonBlank('a stack name'),
  },
} as const;
