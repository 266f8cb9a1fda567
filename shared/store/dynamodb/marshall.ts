/**
 * JavaScript values to DynamoDB's attribute values on the wire and back, as our document client
 * was configured with the SDK: `undefined` dropped (optional fields of our records), empty strings
 * and sets kept as they are (DynamoDB refuses an empty set: so do we, with a clear message),
 * numbers as JS numbers (integers past 2^53 as bigint), `Set`s as SS/NS/BS, bytes as B.
 * Binary values travel as base64 text in the JSON protocol.
 */

/** An attribute value as DynamoDB's JSON protocol carries it. */
export type WireValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: WireValue[] }
  | { M: WireItem };

/** An item (or key) as DynamoDB's JSON protocol carries it. */
export type WireItem = Record<string, WireValue>;

/** A marshalling failure: a value DynamoDB cannot hold. Never worth retrying. */
export class MarshallError extends Error {
  readonly retryable = false;
  override name = 'MarshallError';
}

/** An item (or key, or expression values) to its wire form, `undefined` attributes dropped. */
export function marshallItem(item: Record<string, unknown>): WireItem {
  const wire: WireItem = {};
  for (const name in item) {
    const value = item[name];
    if (value === undefined || typeof value === 'function') continue;
    wire[name] = marshallValue(value, name);
  }
  return wire;
}

/** One value to its wire form; `path` names it in errors. */
function marshallValue(value: unknown, path: string): WireValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return { N: numberText(value, path) };
    case 'bigint':
      return { N: value.toString() };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) {
        const list: WireValue[] = [];
        for (let i = 0; i < value.length; i++) {
          const element = value[i];
          if (element === undefined || typeof element === 'function') continue;
          list.push(marshallValue(element, `${path}[${i}]`));
        }
        return { L: list };
      }
      if (value instanceof Set) return marshallSet(value, path);
      if (value instanceof Uint8Array) return { B: base64(value) };
      if (value instanceof ArrayBuffer) return { B: base64(new Uint8Array(value)) };
      if (isPlainObject(value)) return { M: marshallItem(value as Record<string, unknown>) };
      throw new MarshallError(
        `marshalling failed: a ${(value as object).constructor?.name ?? 'class instance'} is not a DynamoDB value (attribute ${path})`,
      );
    default:
      throw new MarshallError(`marshalling failed: a ${typeof value} is not a DynamoDB value (attribute ${path})`);
  }
}

function numberText(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new MarshallError(`marshalling failed: ${value} is not a DynamoDB number (attribute ${path})`);
  if (!Number.isSafeInteger(value) && Number.isInteger(value)) {
    throw new MarshallError(`marshalling failed: ${value} is past 2^53, pass a bigint to keep its digits (attribute ${path})`);
  }
  return String(value);
}

function marshallSet(set: Set<unknown>, path: string): WireValue {
  if (set.size === 0) throw new MarshallError(`marshalling failed: DynamoDB refuses an empty set (attribute ${path})`);
  const first = set.values().next().value;
  if (typeof first === 'string') return { SS: setMembers(set, path, (v) => (typeof v === 'string' ? v : undefined)) };
  if (typeof first === 'number' || typeof first === 'bigint') {
    return {
      NS: setMembers(set, path, (v) => (typeof v === 'number' ? numberText(v, path) : typeof v === 'bigint' ? v.toString() : undefined)),
    };
  }
  if (first instanceof Uint8Array) return { BS: setMembers(set, path, (v) => (v instanceof Uint8Array ? base64(v) : undefined)) };
  throw new MarshallError(`marshalling failed: a set of ${typeof first} is not a DynamoDB set (attribute ${path})`);
}

function setMembers(set: Set<unknown>, path: string, text: (value: unknown) => string | undefined): string[] {
  const members: string[] = [];
  for (const value of set) {
    const member = text(value);
    if (member === undefined) throw new MarshallError(`marshalling failed: a set mixes member types (attribute ${path})`);
    members.push(member);
  }
  return members;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** An item from its wire form. */
export function unmarshallItem(wire: WireItem): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const name in wire) item[name] = unmarshallValue(wire[name]!);
  return item;
}

/**
 * One value from its wire form. Each type is read as a property (a wire value holds one, never
 * undefined), the commonest first; lists and sets by loops: no closure per value.
 */
function unmarshallValue(wire: WireValue): unknown {
  const value = wire as Partial<Record<'S' | 'N' | 'B' | 'BOOL' | 'NULL', unknown> & Record<'SS' | 'NS' | 'BS', string[]>> & {
    L?: WireValue[];
    M?: WireItem;
  };
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return toNumber(value.N as string);
  if (value.M !== undefined) return unmarshallItem(value.M);
  if (value.L !== undefined) {
    const wires = value.L;
    const list = new Array(wires.length);
    for (let i = 0; i < wires.length; i++) list[i] = unmarshallValue(wires[i]!);
    return list;
  }
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) {
    const set = new Set<number | bigint>();
    for (const text of value.NS) set.add(toNumber(text));
    return set;
  }
  if (value.B !== undefined) return fromBase64(value.B as string);
  if (value.BS !== undefined) {
    const set = new Set<Uint8Array>();
    for (const text of value.BS) set.add(fromBase64(text));
    return set;
  }
  throw new MarshallError(`unmarshalling failed: unknown attribute type ${Object.keys(wire).join(', ') || '(none)'}`);
}

function toNumber(text: string): number | bigint {
  const value = Number(text);
  if (Number.isSafeInteger(value) || !Number.isInteger(value) || !/^-?\d+$/.test(text)) return value;
  // An integer past 2^53: as a bigint, every digit kept.
  return BigInt(text);
}

function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
