/**
 * The text the classifier (shared/classify) and the story matcher (shared/stories) read, here so
 * that both read the same and the story matcher needs nothing of the classifier: poll-feed loads
 * the classifier only once a poll has new items.
 */
import { decodeHTML } from 'entities';

/** Characters whose presence means the text may carry entities, tags or AG-style leftovers. */
const NEEDS_CLEANING = /[&;\\<]/;
/**
 * The name of an entity whose `&` was turned into a space, as in the AG News corpus (` #39;`,
 * ` quot;`, ` amp;`, ` #36;`): the text between that space (or the start) and the `;`.
 */
const MANGLED_NAME = /^(?:#\d{1,6}|#x[\da-f]{1,6}|quot|amp|lt|gt|apos|nbsp)$/i;
/** The longest name MANGLED_NAME accepts (`#x` and six hex digits). */
const MANGLED_NAME_MAX = 8;
const WHITESPACE = /\s/;
const ENTITY = /&(?:#\d{1,6}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/i;
const TAG = /<\/?[a-z][^<>]*>/gi;
const BACKSLASH_DOLLAR = /\\\$/g;
const BACKSLASH = /\\/g;

/**
 * The plain text the classifier reads from one field: entities decoded (also when mangled the
 * AG News way), markup that survived escaping (`&lt;b&gt;…`) removed, and backslashes that stand
 * for line breaks turned into spaces. Text without any of these comes back unchanged, so match
 * positions are offsets into the caller's own string in the usual case.
 */
export function toClassifierText(raw: string): string {
  if (!NEEDS_CLEANING.test(raw)) return raw;
  // " #39;" is the AG form of "&#39;": the space is the lost "&", so it goes.
  let text = restoreMangledEntities(raw);
  // Entities may be escaped twice (`&amp;lt;b&amp;gt;`); two rounds cover what feeds do.
  // Most texts flagged above have a `;` and no `&`: the entity pattern cannot match them.
  for (let round = 0; round < 2 && text.includes('&') && ENTITY.test(text); round += 1) text = decodeHTML(text);
  if (text.includes('<')) text = text.replace(TAG, ' ');
  if (text.includes('\\')) text = text.replace(BACKSLASH_DOLLAR, '$').replace(BACKSLASH, ' ');
  return text;
}

/**
 * ` #39;` back to `&#39;`: each `;` whose word (back to a space or the start) is an entity name
 * gets its `&` back in place of the space. Scans from each `;` (rare) rather than trying a
 * pattern at every space, which cost a third of the classifier's cleaning time.
 */
function restoreMangledEntities(text: string): string {
  let out = '';
  let copied = -1;
  for (let semi = text.indexOf(';'); semi >= 0; semi = text.indexOf(';', semi + 1)) {
    let start = semi;
    while (start > 0 && semi - start <= MANGLED_NAME_MAX && !isWhitespace(text.charCodeAt(start - 1))) start -= 1;
    if (semi === start || semi - start > MANGLED_NAME_MAX || !MANGLED_NAME.test(text.slice(start, semi))) continue;
    // The space before the name is the lost `&` (at the very start there is none).
    out += `${text.slice(Math.max(0, copied), start > 0 ? start - 1 : 0)}&`;
    copied = start;
  }
  return copied < 0 ? text : out + text.slice(copied);
}

/** `\s` of a regular expression, for one character. */
function isWhitespace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return WHITESPACE.test(String.fromCharCode(c));
}
