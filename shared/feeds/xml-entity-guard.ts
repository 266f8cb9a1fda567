/**
 * What the feed reader lets through of XML's entity machinery: internal DTD entities only when
 * they are plain text of bounded size; entity attacks (billion laughs, XXE) refuse the document
 * when used; nothing is ever fetched. Also the bare `&` of sloppy feeds, escaped before sax.
 */
import type sax from 'sax';
import { HostileXmlError, XML_LIMITS } from './xml-document.ts';

/** What follows an `&` that starts a reference; any other `&` is bare. */
export const REFERENCE_AFTER_AMPERSAND = String.raw`(?:[A-Za-z_][\w.-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);`;
const BARE_AMPERSAND = new RegExp(`&(?!${REFERENCE_AFTER_AMPERSAND})`, 'g');

/**
 * `&` that starts no reference (`?a=1&b=2` in a link) escaped as `&amp;`, outside CDATA
 * sections: sax would otherwise swallow the character after it (`&c</link>` eats the `<`).
 */
export function escapeBareAmpersands(text: string): string {
  BARE_AMPERSAND.lastIndex = 0;
  if (!BARE_AMPERSAND.test(text)) return text;
  const parts: string[] = [];
  let from = 0;
  while (from < text.length) {
    const start = text.indexOf('<![CDATA[', from);
    const stop = start < 0 ? text.length : start;
    parts.push(text.slice(from, stop).replace(BARE_AMPERSAND, '&amp;'));
    if (start < 0) break;
    const close = text.indexOf(']]>', start);
    const after = close < 0 ? text.length : close + 3;
    parts.push(text.slice(start, after));
    from = after;
  }
  return parts.join('');
}

interface SaxWithEntities {
  ENTITIES: Record<string, string>;
}

/**
 * Declares the internal subset's plain-text general entities (`<!ENTITY id "tag:…">`) to sax.
 * Entities whose value contains a reference or markup (billion laughs, quadratic blow-up), or
 * that are external (SYSTEM / PUBLIC: XXE), or too long, are declared as traps: using one in the
 * document refuses it. Parameter entities (`%name;`) only matter inside the DTD, which is never
 * processed, and nothing is ever fetched.
 */
export function declareEntities(parser: sax.SAXParser, doctype: string): void {
  const subset = /\[([\s\S]*)\]/.exec(doctype)?.[1];
  if (!subset) return;
  const entities = (parser as unknown as SaxWithEntities).ENTITIES;
  const declaration = /<!ENTITY\s+(%\s+)?([A-Za-z_:][\w.:-]*)\s+(?:(SYSTEM|PUBLIC)\b[^>]*|"([^"]*)"|'([^']*)')\s*>/g;
  let budget: number = XML_LIMITS.maxEntityExpansion;
  let count = 0;
  for (const match of subset.matchAll(declaration)) {
    if (match[1]) continue;
    const name = match[2]!;
    if (++count > XML_LIMITS.maxEntities) break;
    const value = match[4] ?? match[5];
    let trap: string | undefined;
    if (match[3]) trap = `the document uses the external entity &${name}; (XXE); it is never fetched`;
    else if (value === undefined) continue;
    else if (/[&<%]/.test(value)) trap = `the document uses the entity &${name};, which refers to other entities (entity expansion attack)`;
    else if (value.length > XML_LIMITS.maxEntityLength)
      trap = `the document uses the entity &${name};, longer than ${XML_LIMITS.maxEntityLength} characters`;
    Object.defineProperty(entities, name, {
      configurable: true,
      enumerable: true,
      get() {
        if (trap) throw new HostileXmlError(trap);
        budget -= value!.length;
        if (budget < 0) {
          throw new HostileXmlError(`entity expansion exceeds ${XML_LIMITS.maxEntityExpansion} characters (entity expansion attack)`);
        }
        return value;
      },
    });
  }
}
