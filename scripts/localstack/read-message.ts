/**
 * Reads a raw RFC 5322 message as the smoke test needs it: the top-level headers (unfolded,
 * every value of a repeated header kept), the decoded text of its text parts (any nesting of
 * multipart), and the links in them. Just enough for what our mailers send (MailComposer's
 * multipart/alternative, quoted-printable or base64), whichever catcher held the message.
 */

export interface ReadMessage {
  /** Lower-case header name → its values, in order. */
  headers: Map<string, string[]>;
  /** The first value of a header, RFC 2047 words decoded; '' when absent. */
  header(name: string): string;
  /** Decoded text/plain and text/html bodies, in message order. */
  texts: { contentType: string; text: string }[];
  /** http(s) links of the text and HTML parts, HTML entities decoded, without repeats. */
  links: string[];
}

export function readMessage(raw: string): ReadMessage {
  const { headers, body } = splitEntity(raw.replace(/\r\n/g, '\n'));
  const texts = readParts(headers, body, 0);
  const links = [
    ...new Set(
      texts.flatMap(({ contentType, text }) =>
        contentType.startsWith('text/html')
          ? [...text.matchAll(/href="(https?:[^"]+)"/g)].map((m) => decodeEntities(m[1]!))
          : [...text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((m) => m[0]),
      ),
    ),
  ];
  return { headers, header: (name) => decodeWords(headers.get(name.toLowerCase())?.[0] ?? ''), texts, links };
}

/** The first link whose path is `path` (e.g. `/confirm`), or undefined. */
export function linkTo(message: ReadMessage, path: string): string | undefined {
  return message.links.find((link) => {
    try {
      return new URL(link).pathname === path;
    } catch {
      return false;
    }
  });
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`), decoded as UTF-8. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_match, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function splitEntity(text: string): { headers: Map<string, string[]>; body: string } {
  const end = text.indexOf('\n\n');
  const head = end === -1 ? text : text.slice(0, end);
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { headers, body: end === -1 ? '' : text.slice(end + 2) };
}

function readParts(headers: Map<string, string[]>, body: string, depth: number): { contentType: string; text: string }[] {
  const contentType = (headers.get('content-type')?.[0] ?? 'text/plain').toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type')?.[0] ?? '')?.[1];
  if (contentType.startsWith('multipart/') && boundary && depth < 5) {
    const delimiter = `--${boundary}`;
    return body
      .split(new RegExp(`^${escapeRegExp(delimiter)}(?:--)?[ \\t]*$`, 'm'))
      .slice(1, -1)
      .flatMap((chunk) => {
        const part = splitEntity(chunk.replace(/^\n/, ''));
        return readParts(part.headers, part.body.replace(/\n$/, ''), depth + 1);
      });
  }
  if (!contentType.startsWith('text/')) return [];
  const encoding = (headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body.replace(/=\n/g, ''))
        : body;
  return [{ contentType, text }];
}

/** `=XX` escapes as UTF-8 bytes; soft line breaks already removed. */
function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
