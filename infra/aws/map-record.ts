/** Maps every value of a record keyed by a topology name, keeping the keys' type. */
export function mapRecord<K extends string, V, R>(record: Record<K, V>, map: (value: V, key: K) => R): Record<K, R> {
  return Object.fromEntries((Object.entries(record) as [K, V][]).map(([key, value]) => [key, map(value, key)])) as Record<K, R>;
}
