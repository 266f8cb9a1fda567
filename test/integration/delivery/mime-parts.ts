/**
 * Just enough MIME reading for tests: the top-level headers (unfolded) and the decoded text
 * parts of a multipart/alternative message as MailComposer writes it.
 */
export interface ParsedMessage {
  headers: Map<string, string>;
  parts: { contentType: string; body: string }[];
}

export function parseMessage(raw: string): ParsedMessage {
  const text = raw.replace(/\r\n/g, '\n');
  const [head = '', ...rest] = text.split('\n\n');
  const headers = parseHeaders(head);
  const body = rest.join('\n\n');
  const boundary = /boundary="?([^";\n]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  if (!boundary) return { headers, parts: [{ contentType: headers.get('content-type') ?? '', body }] };
  const parts = body
    .split(`--${boundary}`)
    .slice(1)
    .filter((chunk) => !chunk.startsWith('--'))
    .map((chunk) => {
      const [partHead = '', ...partBody] = chunk.replace(/^\n/, '').split('\n\n');
      const partHeaders = parseHeaders(partHead);
      const encoded = partBody.join('\n\n').replace(/\n$/, '');
      const encoding = (partHeaders.get('content-transfer-encoding') ?? '7bit').toLowerCase();
      return { contentType: partHeaders.get('content-type') ?? '', body: decode(encoded, encoding) };
    });
  return { headers, parts };
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decode(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    // Turn =XX into %XX (after protecting literal %) and let decodeURIComponent join UTF-8 bytes.
    const escaped = body
      .replace(/=\n/g, '')
      .replace(/%/g, '%25')
      .replace(/=([0-9A-F]{2})/gi, '%$1');
    return decodeURIComponent(escaped);
  }
  return body;
}
