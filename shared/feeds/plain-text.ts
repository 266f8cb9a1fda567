import { decodeHTML } from 'entities';
import { SPOOFING_FIRST_UNITS, stripSpoofingCharacters } from '../core/display-text.ts';

/** C1 controls: never text in a feed, but windows-1252 punctuation written as code points (`&#146;`). */
const C1_CONTROLS = /[\u0080-\u009F]/g;
/**
 * Any character `toPlainText`'s last steps might replace or drop (a C1 control, or the first code
 * unit of a spoofing character), as one character class: a scan as fast as the regex engine has.
 */
const MAYBE_C1_OR_SPOOFING = new RegExp(String.raw`[\u0080-\u009F${SPOOFING_FIRST_UNITS}]`);
/** MAYBE_C1_OR_SPOOFING, surrogates and U+FFFE/U+FFFF: whatever `toPlainXmlText` might have to replace or drop. */
const MAYBE_NOT_PLAIN_XML = new RegExp(String.raw`[\u0080-\u009F${SPOOFING_FIRST_UNITS}\uD800-\uDFFF\uFFFE\uFFFF]`);
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** Elements whose content is not text to read. */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'textarea', 'title']);
/** Elements after which text reads as a new word. */
const BREAKING_ELEMENTS = new Set([
  'br',
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'td',
  'th',
  'table',
  'blockquote',
  'section',
  'article',
  'header',
  'footer',
  'figure',
  'figcaption',
  'hr',
  'dd',
  'dt',
]);

/**
 * Feed text (HTML or plain, possibly entity-escaped) as plain text: script/style contents and
 * comments dropped, tags stripped, entities decoded exactly once, whitespace folded to single
 * spaces. Text that was escaped markup (`&lt;b&gt;`) stays as literal text, and doubly escaped
 * markup (`&amp;lt;b&amp;gt;`) as the escaped text `&lt;b&gt;`, never as markup.
 *
 * A single forward scan (no backtracking regex), so hostile markup — thousands of unclosed
 * tags or quotes — costs linear time: an unterminated tag ends the markup and the rest is text.
 */
export function toPlainText(input: string): string {
  return finishPlainText(decodeHTML(withoutMarkup(input)));
}

/**
 * `withoutXmlIllegalCharacters(toPlainText(input))`, with one scan fewer: text that holds none of
 * the characters either step would touch is only folded (a surrogate, U+FFFE or U+FFFF, a C1 or
 * spoofing character sends it the long way; the C0 controls XML forbids are spoofing characters,
 * and vertical tab and form feed are whitespace that folding replaces).
 */
export function toPlainXmlText(input: string): string {
  const decoded = decodeHTML(withoutMarkup(input));
  if (!MAYBE_NOT_PLAIN_XML.test(decoded)) return decoded.replace(FOLDABLE_WHITESPACE, ' ').trim();
  return withoutXmlIllegalCharacters(finishPlainText(decoded));
}

/** Characters XML 1.0 cannot carry (controls, lone surrogates): never text worth keeping. */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A cheap first look for NOT_XML_CHAR: true for any surrogate too (emoji), rarely for text without them. */
const MAYBE_NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/** Text without the characters no XML text holds (controls, U+FFFE/U+FFFF, lone surrogates). */
export function withoutXmlIllegalCharacters(text: string): string {
  return MAYBE_NOT_XML_CHAR.test(text) ? text.replace(NOT_XML_CHAR, '') : text;
}

/** Input with comments, tags and script/style contents removed and CDATA unwrapped; entities not decoded yet. */
function withoutMarkup(input: string): string {
  let out = '';
  const n = input.length;
  let i = 0;
  while (i < n) {
    const lt = input.indexOf('<', i);
    if (lt < 0) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, lt);
    if (input.startsWith('<!--', lt)) {
      const end = input.indexOf('-->', lt + 4);
      out += ' ';
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (input.startsWith('<![CDATA[', lt)) {
      const end = input.indexOf(']]>', lt + 9);
      out += input.slice(lt + 9, end < 0 ? n : end);
      i = end < 0 ? n : end + 3;
      continue;
    }
    // "a < b": a '<' that opens no tag is text.
    const next = lt + 1 < n ? input.charCodeAt(lt + 1) : -1;
    if (!(isAsciiLetter(next) || next === SLASH || next === 33 || next === 63)) {
      out += '<';
      i = lt + 1;
      continue;
    }
    const end = findTagEnd(input, lt + 1);
    if (end < 0) {
      out += input.slice(lt);
      break;
    }
    const tag = tagName(input, lt + 1, Math.min(end, lt + 42));
    const closing = next === SLASH;
    i = end + 1;
    if (!closing && RAW_TEXT_ELEMENTS.has(tag) && input.charCodeAt(end - 1) !== SLASH) {
      const close = new RegExp(`</${tag}\\s*>`, 'gi');
      close.lastIndex = i;
      const found = close.exec(input);
      i = found ? found.index + found[0].length : n;
      out += ' ';
    } else if (BREAKING_ELEMENTS.has(tag)) {
      out += ' ';
    }
  }
  return out;
}

/** Decoded text with C1 controls read as windows-1252, spoofing characters dropped, whitespace folded. */
function finishPlainText(decoded: string): string {
  // Most text holds neither C1 controls nor spoofing characters: one scan instead of two replacements.
  if (!MAYBE_C1_OR_SPOOFING.test(decoded)) return decoded.replace(FOLDABLE_WHITESPACE, ' ').trim();
  return foldWhitespace(decoded.replace(C1_CONTROLS, (c) => WINDOWS_1252_HIGH.charAt(c.charCodeAt(0) - 0x80)));
}

const SLASH = 47;

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * The lower-case name of the tag whose text starts at `from` (after the '<'), read no further
 * than `limit`: an optional '/', a letter, then letters, digits and hyphens; '' when none.
 */
function tagName(input: string, from: number, limit: number): string {
  let start = from;
  if (start < limit && input.charCodeAt(start) === SLASH) start += 1;
  if (start >= limit || !isAsciiLetter(input.charCodeAt(start))) return '';
  let end = start + 1;
  while (end < limit) {
    const c = input.charCodeAt(end);
    if (!(isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 45)) break;
    end += 1;
  }
  return input.slice(start, end).toLowerCase();
}

/** Index of the '>' closing a tag that starts before `from`, skipping quoted attribute values; -1 if none. */
function findTagEnd(input: string, from: number): number {
  let afterEquals = false;
  for (let j = from; j < input.length; j++) {
    const c = input.charCodeAt(j);
    if (c === 62) return j;
    if ((c === 34 || c === 39) && afterEquals) {
      const close = input.indexOf(c === 34 ? '"' : "'", j + 1);
      if (close < 0) return -1;
      j = close;
      afterEquals = false;
    } else if (c === 61) {
      afterEquals = true;
    } else if (!isWhitespace(c)) {
      afterEquals = false;
    }
  }
  return -1;
}

/** `\s` of a regular expression, for one UTF-16 code unit. */
function isWhitespace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Collapses runs of whitespace (NBSP and line separators included) to one space and trims, and
 * drops the invisible and reordering characters hostile feeds spoof with (bidi overrides, zero-width
 * space, NUL and other controls): every channel downstream gets text that shows what it says.
 */
export function foldWhitespace(text: string): string {
  // Only runs that are not already one plain space: a single space between words is left alone,
  // which spares a replacement per word on long texts.
  return stripSpoofingCharacters(text).replace(FOLDABLE_WHITESPACE, ' ').trim();
}

/** Whitespace other than a lone U+0020: any other space character, or a space followed by more. */
const FOLDABLE_WHITESPACE = /[^\S ]\s*| \s+/g;

/** Cuts text to at most `max` characters, at a word boundary when one is near, with an ellipsis. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never split a surrogate pair.
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  const cut = text.slice(0, end);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.7 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
