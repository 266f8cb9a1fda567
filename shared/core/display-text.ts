/**
 * Text as readers see it in emails, pages and chat messages: without characters that spoof, on
 * one line, cut to a length, and times to the minute in UTC.
 */

/**
 * Characters that show nothing or reorder what is shown, so hostile text can spoof with them:
 * C0 controls but whitespace (NUL; ESC, which starts terminal escapes), DEL; the bidirectional
 * controls (LRM, RLM, ALM, the embeddings, overrides and isolates: U+202E turns `gnp.exe` into
 * `exe.png` on screen); zero-width space, word joiner and invisible operators, BOM, soft hyphen,
 * interlinear annotations and tag characters (text smuggled past a reader). Zero-width joiner and
 * non-joiner stay: emoji sequences and Persian or Indic words need them.
 */
const SPOOFING_CLASS = String.raw`\u0000-\u0008\u000E-\u001F\u007F\u00AD\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB`;
const SPOOFING_CHARACTERS = new RegExp(String.raw`[${SPOOFING_CLASS}]|\uDB40[\uDC00-\uDC7F]`, 'g');

/**
 * The body of a character class that holds the first code unit of every spoofing character (for
 * callers that look for them together with others in one scan, before replacing anything).
 */
export const SPOOFING_FIRST_UNITS: string = String.raw`${SPOOFING_CLASS}\uDB40`;

/** Text without the invisible and reordering characters hostile text spoofs with (see above). */
export function stripSpoofingCharacters(text: string): string {
  return text.replace(SPOOFING_CHARACTERS, '');
}

/** Runs of whitespace (line breaks included) as one space, trimmed, without spoofing characters. */
export function singleLine(text: string): string {
  return stripSpoofingCharacters(text).replace(/\s+/g, ' ').trim();
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
