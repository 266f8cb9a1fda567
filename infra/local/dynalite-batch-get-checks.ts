/**
 * dynalite's own checks of a BatchGetItem (`validations/batchGetItem`'s `custom`), for the direct
 * path, without the per-key cost when every key is made of strings.
 *
 * For every key of every request (the stories lookup asks for ~40 keys a request, ~21,000 in
 * `run --once`) dynalite validates each attribute value and finds duplicates by a text of the
 * key's values in the order of their sorted names, each string value turned to its UTF-8 bytes'
 * hex through a Buffer of its own. When every key holds one or more attributes, each a single
 * `S` holding a well-formed string (no lone surrogate), the attribute values pass dynalite's
 * validation as they are (it checks numbers, sets, maps, lists and nulls, none of which these
 * are), and two keys have the same text exactly when they have the same number of values and
 * the same strings in the same order: the strings themselves are compared here instead. The
 * request's expression checks are dynalite's own, in dynalite's order, and so are its messages.
 * Any other request goes to dynalite's checks.
 */

type Fields = Record<string, unknown>;

/** An operation's own checks: a message when the request fails one. */
export type OperationChecks = (data: Fields, store: object) => string | undefined | null;

/** The checks of dynalite's validations module that a BatchGetItem's own checks call. */
export interface DynaliteExpressionChecks {
  validateExpressionParams(data: Fields, expressions: string[], nonExpressions: string[]): string | undefined | null;
  validateExpressions(data: Fields): string | undefined | null;
}

/** dynalite's limit on the keys of one BatchGetItem, in all its tables. */
const MAX_KEYS = 100;

/** `checks` (dynalite's own checks of a BatchGetItem), faster for keys made of strings. */
export function batchGetChecks(checks: OperationChecks, validations: DynaliteExpressionChecks): OperationChecks {
  return (data, store) => {
    const requests = data.RequestItems as Record<string, { Keys: Fields[]; AttributesToGet?: unknown }>;
    // Decided before anything runs: dynalite's checks (which change the request) then run alone.
    for (const table in requests) {
      const request = requests[table] as { Keys: Fields[]; AttributesToGet?: unknown };
      if (request.AttributesToGet != null) return checks(data, store);
      const keys = request.Keys;
      for (let i = 0; i < keys.length; i++) if (!isStringKey(keys[i]!)) return checks(data, store);
    }
    let count = 0;
    for (const table in requests) {
      const request = requests[table] as unknown as Fields & { Keys: Fields[] };
      const message =
        validations.validateExpressionParams(request, ['ProjectionExpression'], ['AttributesToGet']) ||
        validations.validateExpressions(request);
      if (message) return message;
      // Keys of one value by that string, keys of more by their text: keys with different
      // numbers of values are never the same.
      const seenSingle = new Set<string>();
      const seenMulti = new Set<string>();
      const keys = request.Keys;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const single = onlyString(key);
        const seen = single === undefined ? seenMulti : seenSingle;
        const id = single ?? keyText(key);
        if (seen.has(id)) return 'Provided list of item keys contains duplicates';
        seen.add(id);
        if (++count > MAX_KEYS) return 'Too many items requested for the BatchGetItem call';
      }
    }
    return undefined;
  };
}

/** Whether the key holds one or more attributes, each a single well-formed `S`. */
function isStringKey(key: Fields): boolean {
  let any = false;
  for (const name in key) {
    if (stringOf(key[name]) === undefined) return false;
    any = true;
  }
  return any;
}

/** The string of a key of one attribute (checked by `isStringKey`); undefined when it has more. */
function onlyString(key: Fields): string | undefined {
  let only: string | undefined;
  for (const name in key) {
    if (only !== undefined) return undefined;
    only = name;
  }
  return (key[only as string] as { S: string }).S;
}

/**
 * The strings of a key (checked by `isStringKey`) in the order of their sorted names, each with
 * its length before it (so the text tells the strings apart).
 */
function keyText(key: Fields): string {
  let id = '';
  for (const name of Object.keys(key).sort()) {
    const text = (key[name] as { S: string }).S;
    id += `${text.length}:${text}`;
  }
  return id;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let text: unknown;
  for (const type in value) {
    if (type !== 'S' || text !== undefined) return undefined;
    text = (value as { S: unknown }).S;
  }
  return typeof text === 'string' && text.isWellFormed() ? text : undefined;
}
