/**
 * dynalite's type check of a request (`validations.checkTypes`) for the direct path, done in one
 * walk of our client's input for the inputs it accepts as they are.
 *
 * dynalite's check reads the operation's type tree (`validations/<operation>.types`: `String`,
 * `Map<…>`, `ValueStruct<…>`, `AttrStruct<…>` for attribute values …) node by node, parsing each
 * type name with a regular expression and building the attribute value's type tree anew for
 * every attribute value, and gives back a new object: each struct's known fields in the type
 * tree's order (absent and null ones left out), maps' entries and lists' elements checked, some
 * values converted (numbers floored for integer types, `"true"` for a Boolean). It deletes unknown
 * and null fields from what it is given, so the direct path handed it a JSON copy of the input;
 * in `run --once` that copy and the check were ~4 % of the main thread for ~3,000 requests.
 *
 * Here each type tree is compiled once into checking functions, and the input itself is walked
 * (never changed) when it is plain JSON data that passes the check with nothing to convert:
 * strings where text is expected, booleans for Booleans, finite numbers for numbers, arrays for
 * lists, plain objects for maps and structs (a field the type tree does not name, which dynalite
 * drops, holding a string, number or boolean), base64 that reads back the same for Blobs. The result is then what dynalite's check gives for the
 * input's JSON copy: the same values, keys and key order, with JSON's view of the input
 * (`undefined` fields and map entries absent, `undefined` list elements null). For any other
 * input (one that fails the check, one with a value to convert or that JSON would change, a type
 * this module does not know) it answers `undefined`, and the caller runs dynalite's own check on
 * a copy: its errors, and its results for what is not plain, stay dynalite's.
 */

/** A type in dynalite's type trees: a name, or a node with its name, children and validations. */
type TypeSpec = string | { type?: unknown; children?: unknown };

type Fields = Record<string, unknown>;

/** Checks a value that is neither null nor undefined; returns the checked value. */
type Check = (value: unknown) => unknown;

/** Thrown inside the walk when the input is not one this module handles. */
const NOT_HANDLED = Symbol('not handled');

/** What an attribute value may hold (dynalite's `AttrStruct`): the field order of its result. */
const ATTRIBUTE_FIELDS = ['S', 'B', 'N', 'BOOL', 'NULL', 'BS', 'NS', 'SS', 'L', 'M'] as const;

/** Compiled type trees, by node (dynalite's type trees are module constants) or by type name. */
const compiledNodes = new WeakMap<object, Check>();
const compiledNames = new Map<string, Check>();

/**
 * dynalite's `checkTypes(copy of input, types)` when the input is plain and passes as it is;
 * `undefined` when it is not (the caller then runs dynalite's check).
 */
export function checkPlainInputTypes(input: object, types: Fields): Fields | undefined {
  try {
    return checkStruct(input, structFields(types)) as Fields;
  } catch (error) {
    if (error === NOT_HANDLED) return undefined;
    throw error;
  }
}

/** The fields of a struct type tree with their compiled checks, in the tree's order. */
const compiledStructs = new WeakMap<object, StructFields>();

interface StructFields {
  names: string[];
  checks: Check[];
  known: Set<string>;
}

function structFields(types: Fields): StructFields {
  let fields = compiledStructs.get(types);
  if (!fields) {
    const names = Object.keys(types);
    fields = { names, checks: names.map((name) => compileLazily(types[name] as TypeSpec)), known: new Set(names) };
    compiledStructs.set(types, fields);
  }
  return fields;
}

function checkStruct(value: unknown, fields: StructFields): Fields {
  const object = plainObject(value);
  let present = 0;
  for (const key in object) {
    const field = object[key];
    if (field == null) continue;
    if (fields.known.has(key)) present++;
    // A field the tree does not name is dropped by dynalite (a newer parameter it does not know,
    // such as ReturnValuesOnConditionCheckFailure); one that JSON might not write as it is, to
    // dynalite with its copy.
    else if (typeof field !== 'string' && typeof field !== 'boolean' && typeof field !== 'number') throw NOT_HANDLED;
  }
  const checked: Fields = {};
  const { names, checks } = fields;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const field = object[name];
    if (field == null) continue;
    present--;
    const result = (checks[i] as Check)(field);
    if (result != null) checked[name] = result;
  }
  // A field read that JSON would not write (not enumerable): left to dynalite with its copy.
  if (present !== 0) throw NOT_HANDLED;
  return checked;
}

/** A plain object that is not an array and that JSON writes as its own fields; else not handled. */
function plainObject(value: unknown): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw NOT_HANDLED;
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    throw NOT_HANDLED;
  }
  return value as Fields;
}

/** A check compiled on its first use (type trees refer to themselves: an attribute value's lists and maps hold attribute values). */
function compileLazily(spec: TypeSpec): Check {
  let check: Check | undefined;
  return (value) => {
    check ??= compile(spec);
    return check(value);
  };
}

function compile(spec: TypeSpec): Check {
  if (typeof spec === 'object' && spec !== null) {
    let check = compiledNodes.get(spec);
    if (!check) {
      check = compileNode(spec);
      compiledNodes.set(spec, check);
    }
    return check;
  }
  if (typeof spec !== 'string') return notHandled;
  let check = compiledNames.get(spec);
  if (!check) {
    check = compileNode(spec);
    compiledNames.set(spec, check);
  }
  return check;
}

function compileNode(spec: TypeSpec): Check {
  const node = typeof spec === 'object' ? spec : undefined;
  const name = node ? node.type : spec;
  if (typeof name !== 'string') return notHandled;
  const children = node?.children;
  const generic = /^(.+?)<(.+)>$/.exec(name);
  const base = generic ? generic[1] : name;
  const parameter = generic?.[2];

  switch (base) {
    case 'String':
      return (value) => (typeof value === 'string' ? value : notHandled());
    case 'Boolean':
      return (value) => (typeof value === 'boolean' ? value : notHandled());
    case 'Short':
    case 'Integer':
    case 'Long':
      // `+ 0`: JSON writes -0 as 0.
      return (value) => (typeof value === 'number' && Number.isFinite(value) ? Math.floor(value + 0) : notHandled());
    case 'Double':
      return (value) => (typeof value === 'number' && Number.isFinite(value) ? value + 0 : notHandled());
    case 'Blob':
      return (value) => (typeof value === 'string' && isCanonicalBase64(value) ? value : notHandled());
    case 'List':
    case 'ParameterizedList': {
      const element = elementCheck(children);
      return element ? (value) => checkList(value, element) : notHandled;
    }
    case 'Map':
    case 'ParameterizedMap': {
      const entry = elementCheck(children);
      return entry ? (value) => checkMap(value, entry) : notHandled;
    }
    case 'ValueStruct':
    case 'FieldStruct': {
      if (typeof children !== 'object' || children === null) return notHandled;
      const fields = structFields(children as Fields);
      return (value) => checkStruct(value, fields);
    }
    case 'AttrStruct':
      return parameter === 'ValueStruct' || parameter === 'FieldStruct' ? attributeValueCheck() : notHandled;
    default:
      return notHandled;
  }
}

/** The check of a list's elements or a map's values: the node's `children`, a name or a node. */
function elementCheck(children: unknown): Check | undefined {
  if (typeof children === 'string' || (typeof children === 'object' && children !== null)) return compileLazily(children as TypeSpec);
  return undefined;
}

function checkList(value: unknown, element: Check): unknown[] {
  if (!Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return notHandled();
  const checked = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    // JSON writes an undefined element (or a hole) as null, which dynalite's check keeps as null.
    checked[i] = item == null ? null : element(item);
  }
  return checked;
}

function checkMap(value: unknown, entry: Check): Fields {
  const object = plainObject(value);
  const checked: Fields = {};
  // A plain object (checked just above): `for…in` lists its own keys, as Object.keys would, without an array.
  for (const key in object) {
    const item = object[key];
    // JSON leaves an undefined entry out; dynalite's check keeps a null one as null.
    if (item === undefined) continue;
    checked[key] = item === null ? null : entry(item);
  }
  return checked;
}

let attributeValue: Check | undefined;

/** An attribute value (`{ S: "…" }`, `{ L: [ … ] }` …): dynalite checks `ValueStruct` and `FieldStruct` ones alike. */
function attributeValueCheck(): Check {
  if (attributeValue) return attributeValue;
  const text: Check = (value) => (typeof value === 'string' ? value : notHandled());
  const bytes: Check = (value) => (typeof value === 'string' && isCanonicalBase64(value) ? value : notHandled());
  const flag: Check = (value) => (typeof value === 'boolean' ? value : notHandled());
  const nested: Check = (value) => check(value);
  const checks: Record<(typeof ATTRIBUTE_FIELDS)[number], Check> = {
    S: text,
    B: bytes,
    N: text,
    BOOL: flag,
    NULL: flag,
    BS: (value) => checkList(value, bytes),
    NS: (value) => checkList(value, text),
    SS: (value) => checkList(value, text),
    L: (value) => checkList(value, nested),
    M: (value) => checkMap(value, nested),
  };
  const fields: StructFields = {
    names: [...ATTRIBUTE_FIELDS],
    checks: ATTRIBUTE_FIELDS.map((name) => checks[name]),
    known: new Set(ATTRIBUTE_FIELDS),
  };
  // Most attribute values hold one type, a string or a map or list: checked without walking
  // the ten fields (the result is the struct check's, `{ <type>: <checked value> }`).
  const check: Check = (value) => {
    const object = plainObject(value);
    let type: string | undefined;
    for (const key in object) {
      if (type !== undefined) return checkStruct(object, fields);
      type = key;
    }
    const field = type === undefined ? undefined : object[type];
    if (field != null) {
      switch (type) {
        case 'S':
          return { S: text(field) };
        case 'N':
          return { N: text(field) };
        case 'M':
          return { M: checkMap(field, nested) };
        case 'L':
          return { L: checkList(field, nested) };
        case 'BOOL':
          return { BOOL: flag(field) };
        case 'NULL':
          return { NULL: flag(field) };
      }
    }
    return checkStruct(object, fields);
  };
  attributeValue = check;
  return check;
}

/** Base64 as dynalite accepts it: a multiple of 4 characters that decodes and encodes back the same. */
function isCanonicalBase64(text: string): boolean {
  return text.length % 4 === 0 && Buffer.from(text, 'base64').toString('base64') === text;
}

function notHandled(): never {
  throw NOT_HANDLED;
}
