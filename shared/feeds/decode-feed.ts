import iconv from 'iconv-lite';

export type CharsetSource = 'bom' | 'content-type' | 'xml-declaration' | 'default';

export interface DecodedFeed {
  text: string;
  /** The charset the bytes were decoded with. */
  charset: string;
  /** Where that charset came from. */
  source: CharsetSource;
}

/**
 * Labels browsers (WHATWG Encoding) read as windows-1252: feeds labelled Latin-1 routinely use
 * its curly quotes and dashes in 0x80–0x9F, which true ISO-8859-1 maps to control characters.
 */
const WINDOWS_1252_ALIASES = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii']);

/** Characters XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE/U+FFFF): dropped so one stray byte does not fail the feed. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * Decodes a feed's bytes to text. The charset comes from, in order: a byte-order mark, the
 * Content-Type `charset` parameter, the XML declaration's `encoding`, else UTF-8. Unknown labels
 * fall through to the next source. Invalid byte sequences become U+FFFD; the BOM is removed.
 */
export function decodeFeed(body: Uint8Array, contentType?: string | null): DecodedFeed {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const { charset, source } = detectCharset(bytes, contentType);
  const text = iconv.decode(bytes, charset, { stripBOM: true }).replace(XML_FORBIDDEN, '');
  return { text, charset, source };
}

/** Picks the charset of a feed's bytes; see `decodeFeed` for the order. */
export function detectCharset(bytes: Buffer, contentType?: string | null): { charset: string; source: CharsetSource } {
  const fromBom = charsetFromBom(bytes);
  if (fromBom) return { charset: fromBom, source: 'bom' };
  const fromHeader = usable(charsetFromContentType(contentType));
  if (fromHeader) return { charset: fromHeader, source: 'content-type' };
  const fromDeclaration = usable(charsetFromXmlDeclaration(bytes));
  if (fromDeclaration) return { charset: fromDeclaration, source: 'xml-declaration' };
  return { charset: 'utf-8', source: 'default' };
}

function charsetFromBom(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

function charsetFromContentType(contentType: string | null | undefined): string | undefined {
  const match = contentType?.match(/;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i);
  return match?.[1] ?? match?.[2];
}

function charsetFromXmlDeclaration(bytes: Buffer): string | undefined {
  // The declaration is ASCII in every ASCII-compatible charset; read the head as Latin-1.
  const head = bytes.subarray(0, 512).toString('latin1');
  const match = head.match(/^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/);
  const label = match?.[1];
  // A UTF-16 declaration found by reading bytes as ASCII is wrong about those bytes.
  if (label && /^utf-?16/i.test(label)) return undefined;
  return label;
}

/** A label iconv-lite knows, normalised; undefined for an unknown or empty one. */
function usable(label: string | undefined): string | undefined {
  const normalized = label?.trim().toLowerCase();
  if (!normalized) return undefined;
  if (WINDOWS_1252_ALIASES.has(normalized)) return 'windows-1252';
  return iconv.encodingExists(normalized) ? normalized : undefined;
}
