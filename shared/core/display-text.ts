/**
 * Text as readers see it in emails, pages and chat messages: on one line, cut to a length, and
 * times to the minute in UTC.
 */

/** Runs of whitespace (line breaks included) as one space, trimmed. */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `limit` characters, the last an ellipsis when the text was cut. */
export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`;
}

/** `2025-02-24 15:04 UTC`; an ISO string that is not a date comes back as it is. */
export function formatUtcMinute(time: Date | string): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) return String(time);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
