/**
 * The fast path of the feed reader's one pass: a scanner for the well-formed XML most feeds are,
 * giving exactly the events sax (strict, no `xmlns`, no `position`) gives for them once
 * `escapeBareAmpersands` has escaped their bare `&`, at a fraction of the cost (sax reads one
 * character at a time through a state machine; this jumps from `<` to `<` with `indexOf`, and
 * reads a bare `&` as itself without copying the document to escape it). It does not recover
 * from anything: at the first thing sax would report as an error, or that it does not read
 * itself (an internal DTD subset, an entity it cannot resolve as sax would, a name outside ASCII),
 * it stops and says so, and the caller reads the document with sax from the start. Whatever it
 * reads, it reads as sax does; the rest is sax's.
 */
import sax from 'sax';
import { REFERENCE_AFTER_AMPERSAND } from './xml-entity-guard.ts';

/**
 * What the scanner reports, in document order: sax's `onopentag`, `ontext` and `oncdata`, and
 * `onclosetag`. (A DOCTYPE it reads has no internal subset, so it declares nothing.)
 */
export interface XmlEvents {
  open(name: string, attributes: Record<string, string>): void;
  /** Character data (text with references resolved, CDATA), never empty; may come in pieces. */
  text(value: string): void;
  close(): void;
}

/** sax's entity table (XML's five and HTML's named entities), which sax resolves in strict mode too. */
const ENTITIES = (sax as unknown as { ENTITIES: Record<string, unknown> }).ENTITIES;

const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQUALS = 61;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const CDATA_MARKER = '<![CDATA[';

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** ASCII name start characters (sax allows more; a name with others sends the document to sax). */
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** Where a name that starts at `from` ends (the first character that is not a name character). */
function nameEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  return i;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

const NAMED_REFERENCE = /^[A-Za-z_:][\w:.-]*$/;
const DECIMAL_REFERENCE = /^#[0-9]+$/;
const HEX_REFERENCE = /^#[xX][0-9A-Fa-f]+$/;

/** A named entity as sax's table gives it (own entries only: sax would hand back `Object.prototype`'s members). */
function tableEntity(name: string): string | null | undefined {
  const value = ENTITIES[name];
  if (!value) return undefined;
  return typeof value === 'string' && Object.hasOwn(ENTITIES, name) ? value : null;
}

/** Code points XML's `Char` production allows, as sax checks character references. */
function isXmlChar(n: number): boolean {
  return (
    n === 0x9 || n === 0xa || n === 0xd || (n >= 0x20 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0xfffd) || (n >= 0x10000 && n <= 0x10ffff)
  );
}

/**
 * The text of a reference `&name;` as sax resolves it (the name as written, then lower-cased, then
 * as a character reference), or undefined where sax would report an error or resolve it oddly.
 */
function resolveReference(name: string): string | undefined {
  if (NAMED_REFERENCE.test(name)) {
    const exact = tableEntity(name);
    if (exact !== undefined) return exact ?? undefined;
    return tableEntity(name.toLowerCase()) ?? undefined;
  }
  const hex = HEX_REFERENCE.test(name);
  if (!hex && !DECIMAL_REFERENCE.test(name)) return undefined;
  const digits = name.slice(hex ? 2 : 1).toLowerCase();
  const code = Number.parseInt(digits, hex ? 16 : 10);
  // sax refuses a reference whose digits do not round-trip (leading zeros aside), `&#0;` included.
  if (code.toString(hex ? 16 : 10) !== digits.replace(/^0+/, '') || code > 0x10ffff || !isXmlChar(code)) return undefined;
  return String.fromCodePoint(code);
}

/** An `&` starts a reference where `escapeBareAmpersands` leaves it alone; elsewhere it stands for itself. */
const REFERENCE = new RegExp(REFERENCE_AFTER_AMPERSAND, 'y');

/**
 * `text[from, to)` with its references resolved and a bare `&` kept as it is (what sax gives for
 * the text once `escapeBareAmpersands` has escaped it); undefined when a reference is not one
 * this scanner resolves as sax does.
 */
function decodeReferences(text: string, from: number, to: number): string | undefined {
  let out = '';
  let i = from;
  while (i < to) {
    const amp = text.indexOf('&', i);
    if (amp < 0 || amp >= to) break;
    REFERENCE.lastIndex = amp + 1;
    if (!REFERENCE.test(text)) {
      out += text.slice(i, amp + 1);
      i = amp + 1;
      continue;
    }
    const semi = REFERENCE.lastIndex - 1;
    if (semi >= to) return undefined;
    const value = resolveReference(text.slice(amp + 1, semi));
    if (value === undefined) return undefined;
    out += text.slice(i, amp) + value;
    i = semi + 1;
  }
  return out + text.slice(i, to);
}

function charData(text: string, from: number, to: number): string | undefined {
  const amp = text.indexOf('&', from);
  return amp < 0 || amp >= to ? text.slice(from, to) : decodeReferences(text, from, to);
}

/** `word` (upper-case ASCII) at `at`, ASCII letters in either case: sax's `/^DOCTYPE$/i` folds no other letter onto them. */
function startsWithIgnoringCase(text: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const c = text.charCodeAt(at + k);
    if ((c >= 97 && c <= 122 ? c - 32 : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Reads `text` and reports its events to `events`, as long as it is well-formed XML that this
 * scanner reads exactly as sax would. Returns false where it stops (see the module comment);
 * the events reported until then are sax's too, so a caller starts over with sax from scratch.
 * Exceptions thrown by `events` propagate.
 */
export function scanXml(text: string, events: XmlEvents): boolean {
  const n = text.length;
  const open: string[] = [];
  let sawRoot = false;
  let sawDoctype = false;
  /** Character data not reported yet: one report per run between tags. */
  let pending = '';
  const flush = () => {
    if (pending !== '') events.text(pending);
    pending = '';
  };
  /**
   * The next `<![CDATA[` as `escapeBareAmpersands` finds them (by text alone): each must be where
   * this scanner reads a CDATA section, or the two would disagree on where `&` is escaped.
   */
  let cdataMarker = text.indexOf(CDATA_MARKER);
  // sax skips a byte order mark as the very first character.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      if (open.length === 0) {
        // Outside the root only whitespace is allowed (and sax's reader ignores it).
        for (let j = i; j < end; j++) if (!isWhitespace(text.charCodeAt(j))) return false;
      } else {
        const data = charData(text, i, end);
        if (data === undefined) return false;
        pending += data;
      }
    }
    if (lt < 0) break;
    const c = text.charCodeAt(lt + 1);
    if (c === BANG) {
      if (text.startsWith('--', lt + 2)) {
        // The first `--` ends a comment, and must be followed by `>`.
        const dashes = text.indexOf('--', lt + 4);
        if (dashes < 0 || text.charCodeAt(dashes + 2) !== GT) return false;
        i = dashes + 3;
      } else if (startsWithIgnoringCase(text, lt + 2, '[CDATA[')) {
        if (open.length === 0 || cdataMarker !== lt) return false;
        const close = text.indexOf(']]>', lt + 9);
        if (close < 0) return false;
        pending += text.slice(lt + 9, close);
        i = close + 3;
        cdataMarker = text.indexOf(CDATA_MARKER, i);
      } else if (startsWithIgnoringCase(text, lt + 2, 'DOCTYPE')) {
        if (sawRoot || sawDoctype) return false;
        const close = doctypeEnd(text, lt + 9);
        if (close < 0) return false;
        sawDoctype = true;
        i = close + 1;
      } else {
        return false;
      }
    } else if (c === QUESTION) {
      // A processing instruction (the XML declaration) ends at the first `?>`; a `??` makes sax pair them otherwise.
      const close = text.indexOf('?>', lt + 2);
      if (close < 0 || text.slice(lt + 2, close + 1).includes('??')) return false;
      i = close + 2;
    } else if (c === SLASH) {
      const nameFrom = lt + 2;
      if (!isNameStart(text.charCodeAt(nameFrom))) return false;
      const after = nameEnd(text, nameFrom);
      const gt = skipWhitespace(text, after);
      if (text.charCodeAt(gt) !== GT || open.length === 0 || open[open.length - 1] !== text.slice(nameFrom, after)) return false;
      flush();
      open.pop();
      events.close();
      i = gt + 1;
    } else if (isNameStart(c)) {
      if (sawRoot && open.length === 0) return false; // a second root
      const tag = readStartTag(text, lt + 1);
      if (tag === undefined) return false;
      flush();
      sawRoot = true;
      events.open(tag.name, tag.attributes);
      if (tag.selfClosing) events.close();
      else open.push(tag.name);
      i = tag.end;
    } else {
      return false;
    }
  }
  // A marker left behind lay in a comment, an attribute or a declaration.
  return open.length === 0 && cdataMarker < 0;
}

/** Where a DOCTYPE declaration without an internal subset ends (its `>`), or -1 (none, or a subset). */
function doctypeEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === GT) return i;
    if (c === 91 /* [ */) return -1;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const close = text.indexOf(text[i]!, i + 1);
      if (close < 0) return -1;
      i = close + 1;
    } else {
      i++;
    }
  }
  return -1;
}

interface StartTag {
  name: string;
  attributes: Record<string, string>;
  selfClosing: boolean;
  /** Index just past the tag. */
  end: number;
}

/** A start tag whose name begins at `from`, as sax reads it; undefined for anything sax would report. */
function readStartTag(text: string, from: number): StartTag | undefined {
  let i = nameEnd(text, from);
  const name = text.slice(from, i);
  const attributes: Record<string, string> = {};
  for (;;) {
    let c = text.charCodeAt(i);
    if (c === GT) return { name, attributes, selfClosing: false, end: i + 1 };
    if (c === SLASH) return text.charCodeAt(i + 1) === GT ? { name, attributes, selfClosing: true, end: i + 2 } : undefined;
    // Between the name and an attribute, and between attributes, whitespace is required.
    if (!isWhitespace(c)) return undefined;
    i = skipWhitespace(text, i);
    c = text.charCodeAt(i);
    if (c === GT || c === SLASH) continue;
    if (!isNameStart(c)) return undefined;
    const nameStop = nameEnd(text, i);
    const attribute = text.slice(i, nameStop);
    i = skipWhitespace(text, nameStop);
    if (text.charCodeAt(i) !== EQUALS) return undefined;
    i = skipWhitespace(text, i + 1);
    const quote = text.charCodeAt(i);
    if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return undefined;
    const close = text.indexOf(text[i]!, i + 1);
    if (close < 0) return undefined;
    const value = charData(text, i + 1, close);
    if (value === undefined || attribute === '__proto__') return undefined;
    // sax keeps the first of two attributes with the same name.
    if (!Object.hasOwn(attributes, attribute)) attributes[attribute] = value;
    i = close + 1;
  }
}
