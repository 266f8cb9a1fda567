import type { DeliveryMessage } from '../messages/schemas.ts';

/** The story's other outlets, once each, without the outlet of the item itself. */
export function alsoReportedBy(message: Pick<DeliveryMessage, 'item' | 'storyMembers'>): { source: string; link: string | null }[] {
  const seen = new Set([message.item.source.trim().toLowerCase()]);
  const others: { source: string; link: string | null }[] = [];
  for (const member of message.storyMembers ?? []) {
    const key = member.source.trim().toLowerCase();
    if (member.itemKey === message.item.itemKey || key === '' || seen.has(key)) continue;
    seen.add(key);
    others.push({ source: member.source.trim(), link: member.link });
  }
  return others;
}
