/**
 * Text constructs: every text field of a feed as HTML. Atom `type="text"` is escaped, `html` kept,
 * `xhtml` serialized (without its wrapping div), Atom 0.3 base64 decoded; RSS fields are HTML
 * when they look so. One plain-text conversion then fits all.
 */
import type { FieldNode } from './xml-document.ts';

/** All text below a node, in document order. */
export function textOf(node: FieldNode): string {
  let out = '';
  for (const child of node.children) out += typeof child === 'string' ? child : textOf(child);
  return out;
}

export function hasElements(node: FieldNode): boolean {
  return node.children.some((child) => typeof child !== 'string');
}

const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'wbr', 'source']);

/** A node's children as an HTML string (inline XHTML, or markup where text was expected). */
export function serializeChildren(node: FieldNode): string {
  let out = '';
  for (const child of node.children) {
    if (typeof child === 'string') {
      out += escapeHtml(child);
      continue;
    }
    const name = child.local.includes(':') ? child.local.slice(child.local.indexOf(':') + 1) : child.local;
    const attrs = Object.entries(child.attrs)
      .filter(([attr]) => !attr.includes(':'))
      .map(([attr, value]) => ` ${attr}="${escapeHtml(value, true)}"`)
      .join('');
    out +=
      VOID_ELEMENTS.has(name.toLowerCase()) && child.children.length === 0
        ? `<${name}${attrs}>`
        : `<${name}${attrs}>${serializeChildren(child)}</${name}>`;
  }
  return out;
}

const HTML_SPECIAL = /[&<>]/;
const HTML_SPECIAL_IN_ATTRIBUTE = /[&<>"]/;

/** Escapes text for HTML (and, with `attribute`, for a double-quoted attribute). */
export function escapeHtml(text: string, attribute = false): string {
  // Most titles and attribute values hold none of these: one scan instead of three or four.
  if (!(attribute ? HTML_SPECIAL_IN_ATTRIBUTE : HTML_SPECIAL).test(text)) return text;
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attribute ? escaped.replace(/"/g, '&quot;') : escaped;
}

/** feedparser's test: a closing tag or an entity reference means the text is HTML. */
function looksLikeHtml(text: string): boolean {
  return /<\/[A-Za-z][\w-]*\s*>|<(?:br|img|hr|p)\b[^>]*>|&#?[A-Za-z0-9]+;/.test(text);
}

/** An Atom (1.0 or 0.3) text construct as HTML. */
export function atomTextHtml(node: FieldNode): string {
  const type = (node.attrs.type ?? 'text').trim().toLowerCase();
  const mode = node.attrs.mode?.trim().toLowerCase();
  const isXhtml = type === 'xhtml' || type === 'application/xhtml+xml';
  const isHtml = type === 'html' || type === 'text/html' || mode === 'escaped';
  if (mode === 'base64') {
    const decoded = decodeBase64(textOf(node));
    return isHtml || isXhtml || looksLikeHtml(decoded) ? decoded : escapeHtml(decoded);
  }
  if (isHtml && hasElements(node)) {
    // TypePad: escaped HTML inside an XHTML div, labelled html. The div's text is the HTML.
    const inner = unwrapDiv(node);
    if (inner !== node && !hasElements(inner)) return textOf(inner);
  }
  if (isXhtml || hasElements(node)) return serializeChildren(unwrapDiv(node));
  if (isHtml) return textOf(node);
  return escapeHtml(textOf(node));
}

/** An RSS element that is text by the spec but HTML in practice (title): HTML when it looks so. */
export function rssTextHtml(node: FieldNode): string {
  if (hasElements(node)) return serializeChildren(node);
  const text = textOf(node);
  return looksLikeHtml(text) ? text : escapeHtml(text);
}

/** An RSS element that holds HTML (description, content:encoded); naked markup is kept as markup. */
export function rssHtml(node: FieldNode): string {
  return hasElements(node) ? serializeChildren(node) : textOf(node);
}

/** Atom's `xhtml` content is wrapped in one `<div>` that is not part of the content. */
function unwrapDiv(node: FieldNode): FieldNode {
  const elements = node.children.filter((child): child is FieldNode => typeof child !== 'string');
  const onlyWhitespace = node.children.every((child) => typeof child !== 'string' || child.trim() === '');
  const only = elements[0];
  if (elements.length === 1 && onlyWhitespace && only?.local.toLowerCase().endsWith('div')) return only;
  return node;
}

function decodeBase64(text: string): string {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return text;
  return Buffer.from(compact, 'base64').toString('utf8');
}
