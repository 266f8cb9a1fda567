/**
 * dynalite's declared validations of a request (the part of `validations.checkValidations` before
 * the operation's own `custom` checks) for the direct path: whether a type-checked input passes
 * them all, from the type tree compiled once.
 *
 * dynalite walks the whole type tree for every request: required fields, table names, and each
 * node's `notNull`, `regex`, `enum`, `lengthGreaterThanOrEqual` … down through every list element
 * and map entry, building each one's path text (`requestItems.t.member.keys.1`) as it goes and
 * compiling each `regex` anew; for a BatchGetItem that is every key of up to 100. Here a node with
 * nothing to check below it is not walked at all, and the checks are compiled once. The answer
 * is only pass or not: when an input does not pass (or the tree holds a check this module does
 * not know), the caller runs dynalite's own `checkValidations`, whose messages (up to ten, in its
 * order) are the errors. When it passes, dynalite's would have found nothing either, and only the
 * operation's `custom` checks remain to run.
 */

type Fields = Record<string, unknown>;

/** Whether a value (null or undefined included) passes a node's checks and those below it. */
type Passes = (value: unknown) => boolean;

/** What this module cannot decide: the caller then runs dynalite's checks. */
const UNDECIDED = Symbol('undecided');

/** dynalite's struct-level checks of a request, by type tree. */
const compiledRequests = new WeakMap<object, (data: Fields) => boolean>();
const compiledNodes = new WeakMap<object, Passes | undefined>();
const compiling = new Set<object>();

/** Whether `data` (dynalite's type-checked input) passes the declared validations of `types`; false when undecided. */
export function passesDeclaredValidations(data: Fields, types: Fields): boolean {
  let passes = compiledRequests.get(types);
  if (!passes) {
    try {
      passes = compileRequest(types);
    } catch (error) {
      if (error !== UNDECIDED) throw error;
      passes = () => false;
    } finally {
      compiling.clear();
    }
    compiledRequests.set(types, passes);
  }
  return passes(data);
}

function compileRequest(types: Fields): (data: Fields) => boolean {
  const names = Object.keys(types);
  const required = names.filter((name) => (types[name] as { required?: unknown } | undefined)?.required);
  const tableNames = names.filter((name) => (types[name] as { tableName?: unknown } | undefined)?.tableName);
  const fields = compileFields(types);
  return (data) => {
    for (let i = 0; i < required.length; i++) if (data[required[i]!] == null) return false;
    for (let i = 0; i < tableNames.length; i++) {
      const value = data[tableNames[i]!];
      if (value != null && !isTableNameLength(value)) return false;
    }
    return fields === undefined || fields(data);
  };
}

/** dynalite's table name rule as it applies it here: at least 3 and at most 255 characters. */
function isTableNameLength(value: unknown): boolean {
  const length = (value as { length?: unknown }).length as number;
  return !(length < 3 || length > 255);
}

/** A struct's fields' checks (the top level, or a struct node's children); undefined when none has any. */
function compileFields(children: Fields): ((value: Fields) => boolean) | undefined {
  // Names and checks side by side, walked by index: no iterator or entry per check.
  const names: string[] = [];
  const checks: Passes[] = [];
  for (const name in children) {
    const passes = compileNode(children[name]);
    if (passes) {
      names.push(name);
      checks.push(passes);
    }
  }
  if (checks.length === 0) return undefined;
  return (value) => {
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(value[names[i]!])) return false;
    return true;
  };
}

/** A node's checks and those below it; undefined when there are none (a type name, or a node with only its type). */
function compileNode(spec: unknown): Passes | undefined {
  if (typeof spec !== 'object' || spec === null) return undefined;
  if (compiledNodes.has(spec)) return compiledNodes.get(spec);
  // dynalite's trees do not hold a node below itself (attribute values refer to theirs by name, which has no checks).
  if (compiling.has(spec)) throw UNDECIDED;
  compiling.add(spec);
  const node = spec as Fields;
  const checks: Passes[] = [];
  let notNull = false;
  for (const validation in node) {
    if (validation === 'type' || validation === 'required' || validation === 'tableName') continue;
    if (validation === 'notNull') notNull = true;
    else if (validation === 'children') {
      const below = compileChildren(node);
      if (below) checks.push(below);
    } else checks.push(compileCheck(validation, node[validation]));
  }
  const passes: Passes | undefined =
    !notNull && checks.length === 0
      ? undefined
      : (value) => {
          if (value == null) return !notNull;
          for (let i = 0; i < checks.length; i++) if (!checks[i]!(value)) return false;
          return true;
        };
  compiling.delete(spec);
  compiledNodes.set(spec, passes);
  return passes;
}

/** The checks below a node: each list element, each map value, or each struct field, as dynalite tells them apart by the type's name. */
function compileChildren(node: Fields): Passes | undefined {
  const type = String(node.type);
  const children = node.children;
  if (/List$/.test(type)) {
    const element = compileNode(children);
    if (!element) return undefined;
    return (value) => {
      const list = value as unknown[];
      for (let i = 0; i < list.length; i++) if (!element(list[i])) return false;
      return true;
    };
  }
  if (/Map/.test(type)) {
    const entry = compileNode(children);
    if (!entry) return undefined;
    return (value) => {
      const map = value as Fields;
      // The input's maps are plain objects (checked by the type walk before): `for…in` lists their own keys.
      for (const key in map) if (!entry(map[key])) return false;
      return true;
    };
  }
  if (typeof children !== 'object' || children === null) return undefined;
  const fields = compileFields(children as Fields);
  return fields && ((value) => fields(value as Fields));
}

/** One declared check of a value that is not null, as dynalite decides it. */
function compileCheck(validation: string, bound: unknown): Passes {
  switch (validation) {
    case 'greaterThanOrEqual':
      return (value) => (value as number) >= (bound as number);
    case 'lessThanOrEqual':
      return (value) => (value as number) <= (bound as number);
    case 'regex': {
      const pattern = new RegExp(`^${String(bound)}$`);
      return (value) => pattern.test(value as string);
    }
    case 'lengthGreaterThanOrEqual':
      return (value) => lengthOf(value) >= (bound as number);
    case 'lengthLessThanOrEqual':
      return (value) => lengthOf(value) <= (bound as number);
    case 'enum': {
      const allowed = bound as unknown[];
      return (value) => allowed.includes(value) && !Number.isNaN(value);
    }
    case 'keys': {
      // A map's every key (a string) passes each of these.
      const checks = memberChecks(bound);
      return (value) => Object.keys(value as object).every((key) => checks.every((check) => check(key)));
    }
    case 'values': {
      // A map's every value passes each of these; a null one is left to dynalite (its length checks throw on it).
      const checks = memberChecks(bound);
      return (value) => Object.values(value as object).every((item: unknown) => item != null && checks.every((check) => check(item)));
    }
    default:
      throw UNDECIDED;
  }
}

/** The checks of a `keys` or `values` node, each of a member that is not null. */
function memberChecks(bound: unknown): Passes[] {
  if (typeof bound !== 'object' || bound === null) throw UNDECIDED;
  return Object.entries(bound).map(([validation, inner]) => {
    if (validation === 'notNull') return () => true;
    if (validation === 'keys' || validation === 'values') throw UNDECIDED;
    return compileCheck(validation, inner);
  });
}

/** A map's number of keys, or a string's or list's length, as dynalite measures it. */
function lengthOf(value: unknown): number {
  return typeof value === 'object' && !Array.isArray(value) ? Object.keys(value as object).length : (value as { length: number }).length;
}
