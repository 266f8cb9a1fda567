/** `a***@example.org`: enough to tell deliveries apart in logs without printing the address. */
export function redactAddress(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
