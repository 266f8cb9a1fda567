/**
 * dynalite's expression parsing, done once per expression. For every request with expressions
 * dynalite validates the attribute values and parses each expression with its PEG parsers
 * (`validations.validateExpressions`), which was a tenth of its CPU in `run --once`: most of it
 * for the stories table's index writes, ten UpdateItems per new story with one expression and
 * one set of names. The parsed result depends on the expressions, the names and only the types of
 * the values (it embeds the value objects themselves), so it is kept under those, with each
 * embedded value replaced by a placeholder, and later requests get a copy holding their own
 * values. Their values are still validated one by one, as dynalite does before parsing. Not
 * kept: failures (dynalite reports them afresh), and expressions whose checks read what a value
 * holds (`BETWEEN` compares its bounds, `attribute_type` reads its type name). The hook is
 * `validations.validateExpressions`, which every action's validation calls through the module's
 * exports.
 */
import { createRequire } from 'node:module';

type AttributeValue = Record<string, unknown>;

interface ExpressionRequest {
  UpdateExpression?: unknown;
  ConditionExpression?: unknown;
  KeyConditionExpression?: unknown;
  FilterExpression?: unknown;
  ProjectionExpression?: unknown;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  [parsed: string]: unknown;
}

interface DynaliteValidations {
  validateExpressions(data: ExpressionRequest, ...rest: unknown[]): string | undefined;
  validateAttributeValue(value: unknown): string | undefined;
}

const EXPRESSIONS = [
  'UpdateExpression',
  'ConditionExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
] as const;
/** Where dynalite leaves each parsed expression on the request. */
const PARSED = ['_updates', '_condition', '_keyCondition', '_filter', '_projection'] as const;
/** dynalite's order of type keys when it reads a value's type (`getImmediateType`). */
const TYPE_KEYS = ['S', 'N', 'B', 'NULL', 'BOOL', 'SS', 'NS', 'BS', 'L', 'M'];
/** Checks that read a value's content, not only its type. */
const READS_VALUES = /between|attribute_type/i;
/** Distinct expression sets kept; the oldest goes first. A run has a few dozen, plus one per story being indexed. */
const MAX_KEPT = 512;

/** Where a request's own value goes in a kept parse. */
class Placeholder {
  constructor(readonly name: string) {}
}

interface Kept {
  parsed: [field: string, value: unknown][];
}

const require = createRequire(import.meta.url);
let installed = false;

/** Makes dynalite parse each set of expressions once in this process; a second call does nothing. */
export function useParsedExpressionCache(): void {
  if (installed) return;
  installed = true;
  const validations = require('dynalite/validations') as DynaliteValidations;
  const validate = validations.validateExpressions;
  const kept = new Map<string, Kept>();

  validations.validateExpressions = function validateOnce(data, ...rest) {
    const key = rest.length === 0 ? cacheKey(data) : undefined;
    if (key === undefined) return validate.call(this, data, ...rest);
    const found = kept.get(key);
    if (found) {
      for (const [name, value] of Object.entries(data.ExpressionAttributeValues ?? {})) {
        const message = validations.validateAttributeValue(value);
        if (message) return `ExpressionAttributeValues contains invalid value: ${message} for key ${name}`;
      }
      const values = data.ExpressionAttributeValues ?? {};
      for (const [field, value] of found.parsed) data[field] = fill(value, values);
      return undefined;
    }
    const message = validate.call(this, data, ...rest);
    if (message === undefined) {
      const placeholders = new Map<unknown, Placeholder>(
        Object.entries(data.ExpressionAttributeValues ?? {}).map(([name, value]) => [value, new Placeholder(name)]),
      );
      try {
        const parsed = PARSED.filter((field) => data[field] !== undefined).map((field): [string, unknown] => [
          field,
          template(data[field], placeholders),
        ]);
        if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
        kept.set(key, { parsed });
      } catch (error) {
        if (!(error instanceof NotPlain)) throw error;
      }
    }
    return message;
  };
}

/** The expressions, the names and the values' names and types; undefined when the parse may not be kept. */
function cacheKey(data: ExpressionRequest): string | undefined {
  const expressions = EXPRESSIONS.map((field) => data[field]);
  if (expressions.every((expression) => expression === undefined)) return undefined;
  if (expressions.some((expression) => expression !== undefined && (typeof expression !== 'string' || READS_VALUES.test(expression)))) {
    return undefined;
  }
  const values = data.ExpressionAttributeValues;
  const types: string[] = [];
  for (const [name, value] of Object.entries(values ?? {})) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    types.push(`${name}=${TYPE_KEYS.find((type) => value[type] != null) ?? '?'}`);
  }
  return JSON.stringify([expressions, data.ExpressionAttributeNames ?? null, values === undefined ? null : types]);
}

/** Thrown by `template` for an object that is not plain: such a parse is not kept. */
class NotPlain extends Error {}

/** A deep copy of a parse with each embedded value object replaced by its placeholder. */
function template(node: unknown, placeholders: Map<unknown, Placeholder>): unknown {
  const placeholder = placeholders.get(node);
  if (placeholder) return placeholder;
  if (Array.isArray(node)) return node.map((item) => template(item, placeholders));
  if (typeof node === 'object' && node !== null) {
    const prototype = Object.getPrototypeOf(node);
    // Only plain objects are copied faithfully; a parse holding anything else is not kept.
    if (prototype !== null && prototype !== Object.prototype) throw new NotPlain();
    const copy: Record<string, unknown> = prototype === null ? Object.create(null) : {};
    for (const name of Object.keys(node)) copy[name] = template((node as Record<string, unknown>)[name], placeholders);
    return copy;
  }
  return node;
}

/** A fresh copy of a kept parse holding this request's values. */
function fill(node: unknown, values: Record<string, AttributeValue>): unknown {
  if (typeof node !== 'object' || node === null) return node;
  if (node instanceof Placeholder) return values[node.name];
  if (Array.isArray(node)) {
    const copy = new Array(node.length);
    for (let i = 0; i < node.length; i++) copy[i] = fill(node[i], values);
    return copy;
  }
  // dynalite's path sets have no prototype (`Object.create(null)`); the copy keeps that.
  const copy: Record<string, unknown> = Object.getPrototypeOf(node) === null ? Object.create(null) : {};
  for (const name of Object.keys(node)) copy[name] = fill((node as Record<string, unknown>)[name], values);
  return copy;
}
