/**
 * dynalite's row keys, made once per key. For every key of every request dynalite makes the
 * row's store key (`db.createKey`): an MD5 of the partition key's bytes (its first six hex
 * characters spread rows as DynamoDB's partitions do), the key values as hex or as sortable
 * number text. In `run --once` that is ~28,000 keys, two thirds of them asked for before (the
 * stories lookup asks for the same candidates again and again), and the MD5s alone took ~140 ms.
 *
 * The made key depends only on the table's key schema and attribute types and on the key's
 * values, so it is kept per table description object (the one the item operations share:
 * dynalite-store-hooks.ts; a table written anew is a new object) under the values with their
 * types. Only the item operations' call (the table's own key schema, plain S, N or B values)
 * is kept; any other (an index's key schema, a value not of its defined type) goes to dynalite as is.
 * The hook is `db.createKey`, which every action calls through the module's exports.
 */
import { createRequire } from 'node:module';

type AttributeValue = Record<string, unknown>;

interface TableDescription {
  KeySchema: { AttributeName: string }[];
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
}

interface DynaliteDb {
  createKey(item: Record<string, AttributeValue | undefined>, table: TableDescription, keySchema?: unknown): string;
}

/** Keys kept per table; all are dropped when it is full. ~4,000 distinct keys are made in `run --once` (20 × 50). */
const MAX_KEPT = 50_000;

/** Marks the installed hook, so a second call installs nothing. */
const INSTALLED = Symbol('news-alerts kept row keys');

const require = createRequire(import.meta.url);

/** Installs the kept row keys on dynalite's `db` module (once per process; later calls do nothing). */
export function useKeptRowKeys(): void {
  const db = require('dynalite/db') as DynaliteDb & { [INSTALLED]?: true };
  if (db[INSTALLED]) return;
  db[INSTALLED] = true;
  const createKey = db.createKey;
  const byTable = new WeakMap<TableDescription, TableKeys>();

  db.createKey = function createKeyOnce(item, table, keySchema) {
    if (keySchema != null) return createKey.call(this, item, table, keySchema);
    let keys = byTable.get(table);
    if (!keys) byTable.set(table, (keys = tableKeys(table)));
    const id = keyId(item, keys.attributes);
    if (id === undefined) return createKey.call(this, item, table);
    let key = keys.kept.get(id);
    if (key === undefined) {
      key = createKey.call(this, item, table);
      if (keys.kept.size >= MAX_KEPT) keys.kept.clear();
      keys.kept.set(id, key);
    }
    return key;
  };
}

/** A table's key attributes with their types, and the keys made for it. */
interface TableKeys {
  attributes: [name: string, type: string | undefined][];
  kept: Map<string, string>;
}

function tableKeys(table: TableDescription): TableKeys {
  const attributes = table.KeySchema.map(({ AttributeName }): [string, string | undefined] => [
    AttributeName,
    table.AttributeDefinitions.find((definition) => definition.AttributeName === AttributeName)?.AttributeType,
  ]);
  return { attributes, kept: new Map() };
}

/**
 * The key's values, unambiguously (the partition key's length before it when there is a sort
 * key; their types are the table's); undefined when a key attribute does not hold its defined
 * type's value as text.
 */
function keyId(item: Record<string, AttributeValue | undefined>, attributes: TableKeys['attributes']): string | undefined {
  let id = '';
  for (let i = 0; i < attributes.length; i++) {
    const [name, type] = attributes[i] as TableKeys['attributes'][number];
    const piece = type === undefined ? undefined : item[name]?.[type];
    if (typeof piece !== 'string') return undefined;
    id = i === 0 ? piece : `${id.length}:${id}${piece}`;
  }
  return id;
}
