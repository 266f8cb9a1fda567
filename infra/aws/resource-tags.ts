/**
 * Tags that name each queue, function, table and secret after its topology entry. They tell an
 * operator which resource is which in the console, and let tests read the topology back out
 * of the synthesized template (`test/infra/template-topology.ts`).
 */

export const topologyTagKeys = {
  queue: 'news-alerts:queue',
  function: 'news-alerts:function',
  /** The handler module a function was bundled from, relative to the repository root. */
  entry: 'news-alerts:entry',
  table: 'news-alerts:table',
  /** A generated secret (`unsubscribe`, `admin`) of the topology's `access.secrets`. */
  secret: 'news-alerts:secret',
} as const;

/** `deliver-webhook` → `DeliverWebhook`: readable construct ids, hence readable logical ids. */
export function constructIdFor(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
