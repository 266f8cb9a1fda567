import { gunzipSync } from 'node:zlib';
import { decodeFeed } from './decode-feed.ts';
import { FeedParseError, FeedTooLargeError } from './errors.ts';
import type { CharsetSource } from './decode-feed.ts';
import { normalizeEntries } from './normalize-item.ts';
import type { NormalizedEntry } from './normalize-item.ts';
import { parseFeed } from './parse-feed.ts';
import { toPlainText } from './plain-text.ts';
import type { FeedFormat } from './xml-document.ts';
import { normalizeLink } from './normalize-link.ts';

export interface ReadFeedInput {
  /** The body's bytes (after content decoding: gzip/br are the fetcher's job). */
  body: Uint8Array;
  /** HTTP Content-Type, for its charset. */
  contentType?: string | null;
  /** HTTP Content-Location: base of relative links before `feedUrl`. */
  contentLocation?: string | null;
  /** The URL the body came from (after redirects); base of relative links. */
  feedUrl?: string;
  /** Entries read at most (default 10 000). */
  maxEntries?: number;
  /** What errors name the document by (a file path); `feedUrl` by default. */
  label?: string;
  /** Cap on a gzip body sent without Content-Encoding, once unpacked (default 15 MiB, the fetch cap). */
  maxBytes?: number;
}

/** The fetch's default byte cap (see FEED_FETCH_DEFAULTS), for bodies unpacked here. */
const DEFAULT_MAX_BYTES = 15 * 1024 * 1024;

/** A feed document read end to end: decoded, parsed, every entry normalized (once, here). */
export interface FeedContent {
  format: FeedFormat;
  /** The charset the bytes were decoded with, and where it came from. */
  charset: { name: string; source: CharsetSource };
  /** Plain-text title of the feed ('' when it has none). */
  title: string;
  link: string | null;
  language: string | null;
  ttlMinutes: number | null;
  /** Every entry in plain terms: what `normalizeItems` makes NewsItems of. */
  entries: NormalizedEntry[];
  /** XML errors recovered from: how many, and the first few. */
  recovered: { count: number; samples: string[] };
  /** Entries beyond the per-document limit, not read. */
  entriesDropped: number;
}

/**
 * Bytes to normalized entries: decode (BOM, Content-Type, XML declaration), parse in one pass
 * (`parseFeed`), normalize each entry once (`normalizeEntry`). The one path `pollFeed`,
 * `news-alerts parse`, the conformance test and the benchmark share.
 *
 * @throws FeedParseError when the body is not a feed (saying what it is instead) or is refused.
 */
export async function readFeed(input: ReadFeedInput): Promise<FeedContent> {
  const label = input.label ?? input.feedUrl ?? '(no URL)';
  const body = unpackGzip(input.body, input.maxBytes ?? DEFAULT_MAX_BYTES, label);
  let charset = 'utf-8';
  let source: CharsetSource = 'default';
  /** Decodes and hands the text over without keeping it here. */
  const decode = async (): Promise<string> => {
    const decoded = decodeFeed(body, input.contentType);
    ({ charset, source } = decoded);
    const binary = describeBinary(body, charset);
    if (binary) throw new FeedParseError(`the body is binary data${binary === 'unknown' ? '' : ` (${binary})`}, not text`, 'binary', label);
    return decoded.text;
  };
  const parsed = await parseFeed(await decode(), {
    feedUrl: input.feedUrl,
    contentLocation: input.contentLocation,
    maxEntries: input.maxEntries,
    label,
  });
  const base = parsed.link ?? input.feedUrl;
  return {
    format: parsed.format,
    charset: { name: charset, source },
    title: parsed.title ? toPlainText(parsed.title) : '',
    link: normalizeLink(parsed.link, base),
    language: parsed.language,
    ttlMinutes: parsed.ttlMinutes,
    entries: normalizeEntries(parsed, input.feedUrl),
    recovered: parsed.recovered,
    entriesDropped: parsed.entriesDropped,
  };
}

/**
 * A body that is gzip data although no Content-Encoding said so (a static `.xml.gz` served
 * as XML) is unpacked, within the byte cap; anything else is returned as it is.
 */
function unpackGzip(body: Uint8Array, maxBytes: number, label: string): Uint8Array {
  if (body[0] !== 0x1f || body[1] !== 0x8b) return body;
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new FeedTooLargeError(maxBytes, label);
    }
    // Not gzip after all (or truncated): let the parser say what the bytes look like.
    return body;
  }
}

/** File signatures worth naming when a feed URL serves one. */
const SIGNATURES: [string, number[]][] = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip data', [0x1f, 0x8b]],
];

/**
 * What binary data the body is (a known signature, else 'unknown'), or undefined when it is
 * text: control bytes other than tab/CR/LF are rare in text but common in binary formats. UTF-16
 * and UTF-32 are text with NUL bytes, so they are not judged by bytes.
 */
function describeBinary(body: Uint8Array, charset: string): string | undefined {
  for (const [name, signature] of SIGNATURES) if (signature.every((byte, i) => body[i] === byte)) return name;
  if (/^utf-(16|32)/.test(charset)) return undefined;
  const head = body.subarray(0, 1024);
  let controls = 0;
  for (const byte of head) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) controls++;
  return head.length > 0 && controls / head.length > 0.1 ? 'unknown' : undefined;
}
