/** `a***@example.org`: enough to tell deliveries apart in logs without printing the address. */
export function redactAddress(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/**
 * Every email address in a text shortened the same way, so texts from mail servers (SES
 * errors, bounce diagnostics) can be logged and stored without the addresses they quote.
 */
export function redactAddresses(text: string): string {
  return text.replace(/([^\s@<>"',;:()[\]]+)@([^\s@<>"',;()[\]]+)/g, (_, local: string, domain: string) =>
    redactAddress(`${local}@${domain}`),
  );
}
