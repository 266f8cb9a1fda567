/** The bare address of `Name <a@b>` or `a@b` (SMTP envelopes, mailto links, Message-IDs). */
export function bareAddress(address: string): string {
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(address);
  return (angled?.[1] ?? address).trim();
}

/**
 * A Message-ID on the sender's domain: `<localPart@domain-of-from>` (RFC 5322 wants a domain
 * the sender controls, which keeps ids of different senders apart).
 */
export function messageIdFor(localPart: string, from: string): string {
  const domain = bareAddress(from)
    .split('@')[1]
    ?.replace(/[^A-Za-z0-9.-]/g, '');
  return `<${localPart}@${domain || 'news-alerts.invalid'}>`;
}
