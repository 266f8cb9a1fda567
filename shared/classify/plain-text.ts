import { decodeHTML } from 'entities';

/** Characters whose presence means the text may carry entities, tags or AG-style leftovers. */
const NEEDS_CLEANING = /[&;\\<]/;
/**
 * Entities whose `&` was turned into a space, as in the AG News corpus (` #39;`, ` quot;`,
 * ` amp;`, ` #36;`). The space is the lost `&`, so it goes too.
 */
const MANGLED_ENTITY = /(^|\s)(#\d{1,6}|#x[\da-f]{1,6}|quot|amp|lt|gt|apos|nbsp);/gi;
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
  let text = raw.replace(MANGLED_ENTITY, '&$2;');
  // Entities may be escaped twice (`&amp;lt;b&amp;gt;`); two rounds cover what feeds do.
  for (let round = 0; round < 2 && ENTITY.test(text); round += 1) text = decodeHTML(text);
  if (text.includes('<')) text = text.replace(TAG, ' ');
  if (text.includes('\\')) text = text.replace(BACKSLASH_DOLLAR, '$').replace(BACKSLASH, ' ');
  return text;
}
