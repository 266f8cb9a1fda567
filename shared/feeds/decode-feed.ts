import { guessCharset } from './guess-charset.ts';

export type CharsetSource = 'bom' | 'content-type' | 'xml-declaration' | 'sniffed' | 'default';

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

/** C1 controls: never text in a feed, but windows-1252 punctuation mis-encoded as Unicode code points. */
const C1_CONTROLS = /[\u0080-\u009F]/g;
/** XML_FORBIDDEN or C1_CONTROLS, in one pattern: whether either replacement has anything to do. */
const FORBIDDEN_OR_C1 = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u0080-\u009F\uFFFE\uFFFF]/;
const WINDOWS_1252_HIGH = new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i));

/** UTF-32, which the platform's decoders (WHATWG Encoding) leave out; decoded here. */
const UTF_32 = new Set(['utf-32', 'utf-32be', 'utf-32le', 'utf32', 'ucs-4']);

/** Bytes scanned when sniffing the charset of an undeclared body. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Decodes a feed's bytes to text. The charset comes from, in order: a byte-order mark, the
 * Content-Type `charset` parameter, the XML declaration's `encoding` (and the byte pattern of a
 * BOM-less UTF-16/32 declaration), else UTF-8 — unless the bytes are not UTF-8 at all, in which
 * case a guess (`guessCharset`: KOI8-R, windows-1251, EUC-KR, Shift_JIS…, else windows-1252). Unknown labels fall
 * through to the next source. Invalid byte sequences become U+FFFD; the BOM is removed; C1
 * control characters are read as the windows-1252 punctuation they almost always are.
 *
 * The platform's decoders do the work (`TextDecoder`: the WHATWG Encoding charsets, which Node
 * carries with its ICU data, CJK included), and UTF-32 is decoded here; no decoding tables ride
 * in the bundle, and the guess judges the text those decoders give.
 */
export function decodeFeed(body: Uint8Array, contentType?: string | null): DecodedFeed {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const { charset, source } = detectCharset(bytes, contentType);
  const decoded = decodeBytes(bytes, charset);
  // One scan of the whole document for either kind of character, which most feeds hold none of.
  const text = FORBIDDEN_OR_C1.test(decoded)
    ? decoded.replace(XML_FORBIDDEN, '').replace(C1_CONTROLS, (c) => WINDOWS_1252_HIGH.charAt(c.charCodeAt(0) - 0x80))
    : decoded;
  return { text, charset, source };
}

/** Picks the charset of a feed's bytes; see `decodeFeed` for the order. */
function detectCharset(bytes: Buffer, contentType?: string | null): { charset: string; source: CharsetSource } {
  const fromBom = charsetFromBom(bytes);
  if (fromBom) return { charset: fromBom, source: 'bom' };
  const fromHeader = usable(charsetFromContentType(contentType));
  if (fromHeader) return { charset: fromHeader, source: 'content-type' };
  const fromPattern = charsetFromBytePattern(bytes);
  if (fromPattern) return { charset: fromPattern, source: 'xml-declaration' };
  const fromDeclaration = usable(charsetFromXmlDeclaration(bytes));
  if (fromDeclaration) return { charset: fromDeclaration, source: 'xml-declaration' };
  if (!looksLikeUtf8(bytes)) return { charset: guessCharset(bytes.subarray(0, SNIFF_BYTES)), source: 'sniffed' };
  return { charset: 'utf-8', source: 'default' };
}

function charsetFromBom(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0xfe && bytes[3] === 0xff) return 'utf-32be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0x00 && bytes[3] === 0x00) return 'utf-32le';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** `<?` in UTF-16/32 without a BOM (XML 1.0 Appendix F). */
function charsetFromBytePattern(bytes: Buffer): string | undefined {
  const head = [...bytes.subarray(0, 4)].join(',');
  switch (head) {
    case '0,0,0,60':
      return 'utf-32be';
    case '60,0,0,0':
      return 'utf-32le';
    case '0,60,0,63':
      return 'utf-16be';
    case '60,0,63,0':
      return 'utf-16le';
    default:
      return undefined;
  }
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
  // A UTF-16/32 declaration found by reading bytes as ASCII is wrong about those bytes.
  if (label && /^utf-?(16|32)/i.test(label)) return undefined;
  return label;
}

/** Text of `bytes` in `charset` (a name `usable` returned), the BOM removed, bad sequences as U+FFFD. */
function decodeBytes(bytes: Buffer, charset: string): string {
  if (charset.startsWith('utf-32')) return decodeUtf32(bytes, charset === 'utf-32le');
  return new TextDecoder(charset).decode(bytes);
}

/** UTF-32 (BOM skipped); a code point out of range, a surrogate or a cut-off unit becomes U+FFFD. */
function decodeUtf32(bytes: Buffer, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let points: number[] = [];
  const first = bytes.length >= 4 ? view.getUint32(0, littleEndian) : -1;
  for (let offset = first === 0xfeff ? 4 : 0; offset < bytes.length; offset += 4) {
    const point = offset + 4 <= bytes.length ? view.getUint32(offset, littleEndian) : 0xfffd;
    points.push(point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff) ? 0xfffd : point);
    if (points.length === 8192) {
      parts.push(String.fromCodePoint(...points));
      points = [];
    }
  }
  parts.push(String.fromCodePoint(...points));
  return parts.join('');
}

/**
 * The canonical name of a charset label the platform decodes (WHATWG Encoding: `cp1251` →
 * `windows-1251`), or UTF-32; undefined for an unknown, empty or "replacement" label.
 */
function usable(label: string | undefined): string | undefined {
  const normalized = label?.trim().toLowerCase();
  if (!normalized) return undefined;
  if (WINDOWS_1252_ALIASES.has(normalized)) return 'windows-1252';
  if (UTF_32.has(normalized)) return normalized === 'utf-32le' ? 'utf-32le' : 'utf-32be';
  try {
    return new TextDecoder(normalized).encoding;
  } catch {
    return undefined;
  }
}

/**
 * Whether undeclared bytes read as UTF-8: no high bytes at all, or valid multi-byte sequences
 * that outnumber the invalid ones (a UTF-8 feed with one stray Latin-1 byte stays UTF-8).
 */
function looksLikeUtf8(bytes: Buffer): boolean {
  const end = Math.min(bytes.length, SNIFF_BYTES);
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = length > 0 && i + length <= bytes.length;
    for (let k = 1; ok && k < length; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
    if (ok) {
      valid++;
      i += length - 1;
    } else {
      invalid++;
    }
  }
  return invalid === 0 || valid > invalid * 4;
}
