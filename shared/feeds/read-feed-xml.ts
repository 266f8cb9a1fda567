/**
 * The one pass over a feed's XML. rss-parser (through xml2js) matches element names by their
 * literal prefix, drops `xml:base`, loses the `type` of Atom text constructs, expands no DTD
 * entity and rejects a whole document for one undefined entity. This pass reads
 * the document with sax (the tokenizer xml2js itself uses) in strict, namespace-aware mode,
 * recovers from well-formedness errors the way feed readers do, and extracts each field with its
 * meaning settled:
 *
 * - elements are identified by namespace URI, not prefix (`a:feed`, `rss:item`, RSS 2.0 in a
 *   namespace);
 * - relative links are resolved against `xml:base`, then the document's URL;
 * - every text construct becomes HTML (Atom `type="text"` is escaped, `xhtml` is serialized,
 *   Atom 0.3 base64 is decoded), so one plain-text conversion fits all;
 * - dates are parsed by `parseFeedDate` (unreadable ones are dropped, never guessed);
 * - internal DTD entities are expanded only when they are plain text of bounded size;
 *   entities that reference other entities (billion laughs) or external resources (XXE) make
 *   the document refused when they are used; nothing is ever fetched.
 *
 * The seams are modules of their own: the entity guard (`xml-entity-guard.ts`), names and format
 * detection (`xml-names.ts`, `detect-feed-format.ts`), text constructs (`xml-text-constructs.ts`),
 * links (`xml-links.ts`) and per-format field extraction (`extract-feed-fields.ts`);
 * each entry becomes its values (`XmlFeedEntry`) when its element closes, so this one pass
 * is the whole parse: `normalizeEntry` reads its result directly.
 */
import sax from 'sax';
import { detectFormat } from './detect-feed-format.ts';
import { entryFromFields, feedFromFields } from './extract-feed-fields.ts';
import {
  HostileXmlError,
  NotAFeedError,
  XML_LIMITS,
  type Draft,
  type FeedFormat,
  type FieldNode,
  type Key,
  type ReadFeedXmlOptions,
  type XmlFeedDocument,
  type XmlFeedEntry,
} from './xml-document.ts';
import { scanXml, type XmlEvents } from './scan-xml.ts';
import { declareEntities, escapeBareAmpersands } from './xml-entity-guard.ts';
import { resolveBase, resolveWithoutDocumentUrl } from './xml-links.ts';
import {
  ElementKeys,
  aliasUnknownAtomNamespace,
  isAtomFamily,
  isRssFamily,
  resolveNames,
  rootScope,
  type NamespaceScope,
} from './xml-names.ts';

type Role = 'root' | 'container' | 'entry' | 'field' | 'inside' | 'ignored';

interface Frame {
  role: Role;
  key: Key;
  base?: string;
  lang?: string;
  node?: FieldNode;
  depth: number;
  /** Depth of the field this frame belongs to (field and inside frames). */
  fieldDepth?: number;
}

const XML_ERROR_SAMPLES = 5;

/**
 * Reads a feed document (already decoded to text): with the fast scanner (`scanXml`) when it is
 * well-formed XML the scanner reads exactly as sax does, else with sax, which recovers from what
 * the scanner stops at. Both give the same events, so the document reads the same either way.
 *
 * @throws NotAFeedError when the root element is not RSS, RDF or Atom.
 * @throws HostileXmlError for entity attacks and documents too broken to read.
 */
export function readFeedXml(text: string, options: ReadFeedXmlOptions = {}): XmlFeedDocument {
  const fast = startDocument(options);
  if (tokenize(() => scanXml(text, fast.events))) return fast.end();
  const reader = startDocument(options);
  tokenize(() => {
    readWithSax(escapeBareAmpersands(text), reader);
    return true;
  });
  return reader.end();
}

/** Runs a tokenizer over the document: entity attacks as they are, any other failure as unreadable XML. */
function tokenize(run: () => boolean): boolean {
  try {
    return run();
  } catch (error) {
    if (error instanceof HostileXmlError) throw error;
    throw new HostileXmlError(`XML could not be read: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** sax over the whole document, its well-formedness errors recorded and recovered from. */
function readWithSax(text: string, reader: DocumentReader): void {
  // No `position`: counting lines and columns costs on every character, and a recovered error
  // is located by the entry it happened in instead (see describeError). No `xmlns`: names are
  // resolved by `resolveNames`, which costs a fraction of sax's per-tag namespace objects.
  const parser = sax.parser(true, { xmlns: false, position: false });
  const { events } = reader;
  parser.onerror = (error: Error) => {
    reader.recordError(error.message);
    // Recover: sax goes on from where it stopped, as feed readers do with broken feeds.
    (parser as unknown as { error: unknown }).error = null;
  };
  parser.ondoctype = (doctype: string) => declareEntities(parser, doctype);
  parser.onopentag = (tag) => events.open(tag.name, tag.attributes as Record<string, string>);
  parser.ontext = events.text;
  parser.oncdata = events.text;
  parser.onclosetag = events.close;
  parser.write(text).close();
}

/** One reading of a document: the events a tokenizer reports, and the document they make once it ends. */
interface DocumentReader {
  events: XmlEvents;
  recordError(message: string): void;
  /** The document read (what is still open counts: a truncated document is read as far as it goes). */
  end(): XmlFeedDocument;
}

function startDocument(options: ReadFeedXmlOptions): DocumentReader {
  const maxEntries = options.maxEntries ?? XML_LIMITS.maxEntries;
  /** The namespace bindings in scope, one per open element (the document's first). */
  const scopes: NamespaceScope[] = [rootScope()];
  const stack: Frame[] = [];
  const recovered: string[] = [];
  let recoveredCount = 0;
  let detected: FeedFormat | 'html' | 'none' | undefined;
  let format: FeedFormat | undefined;
  let rootKey = '';
  const feedFields: FieldNode[] = [];
  let feedLang: string | undefined;
  const entries: XmlFeedEntry[] = [];
  let entriesDropped = 0;
  let current: Draft | undefined;
  let fieldChars = 0;
  let fieldNodes = 0;
  const aliases = new Map<string, string>();
  const keys = new ElementKeys(aliases);

  let countedErrors = 0;
  /** A well-formedness error, sax's or a namespace one: recorded, and the reading goes on. */
  function recordError(message: string) {
    recoveredCount++;
    if (recovered.length < XML_ERROR_SAMPLES) recovered.push(describeError(message));
    // An undeclared prefix (dc:creator on every item of a sloppy feed) is read by its usual
    // namespace and does not count towards giving up.
    if (!message.startsWith('Unbound namespace prefix')) countedErrors++;
    if (countedErrors > XML_LIMITS.maxErrors) {
      throw new HostileXmlError(`more than ${XML_LIMITS.maxErrors} XML errors (first: ${recovered[0] ?? '?'})`);
    }
  }
  /** Where the error happened, worked out only for the few errors kept as samples. */
  function describeError(message: string): string {
    const what = message.split('\n')[0]!.trim();
    return current ? `${what} (in entry ${entries.length + 1})` : what;
  }
  function open(name: string, attributes: Record<string, string>) {
    const parent = stack[stack.length - 1];
    const qtag = resolveNames(name, attributes, scopes[scopes.length - 1]!, recordError);
    scopes.push(qtag.scope);
    if (!parent) {
      aliasUnknownAtomNamespace(qtag, aliases);
      keys.clear();
    }
    const key = keys.of(qtag.uri, qtag.prefix, qtag.local);
    const attrs = qtag.attrs;
    const base = resolveBase(attrs['xml:base'], parent?.base ?? options.baseUrl);
    const lang = attrs['xml:lang']?.trim() || parent?.lang;
    const depth = (parent?.depth ?? -1) + 1;
    if (depth >= XML_LIMITS.maxDepth) {
      throw new HostileXmlError(`elements nested deeper than ${XML_LIMITS.maxDepth} levels`);
    }

    if (!parent) {
      if (detected !== undefined) {
        // A second root (text after the document): ignored, as sax reported.
        stack.push({ role: 'ignored', key, base, lang, depth });
        return;
      }
      detected = detectFormat(key, attrs);
      format = detected === 'html' || detected === 'none' ? undefined : detected;
      rootKey = key;
      feedLang = lang;
      const role: Role = format === undefined ? 'ignored' : format.startsWith('atom') ? 'container' : 'root';
      stack.push({ role, key, base, lang, depth });
      return;
    }
    const local = key.slice(key.indexOf(':') + 1);
    switch (parent.role) {
      case 'root':
        if (local === 'channel' && isRssFamily(key)) {
          stack.push({ role: 'container', key, base, lang, depth });
          if (lang && !feedLang) feedLang = lang;
        } else if (local === 'item' && isRssFamily(key)) {
          startEntry(key, base, lang, depth, attrs);
        } else {
          stack.push({ role: 'ignored', key, base, lang, depth });
        }
        return;
      case 'container': {
        const isAtom = format === 'atom10' || format === 'atom03';
        if (local === (isAtom ? 'entry' : 'item') && (isAtom ? isAtomFamily(key) : isRssFamily(key))) {
          startEntry(key, base, lang, depth, attrs);
        } else {
          startField(key, qtag.local, attrs, base, lang, depth, 'feed');
        }
        return;
      }
      case 'entry':
        startField(key, qtag.local, attrs, base, lang, depth, 'entry');
        return;
      case 'field':
      case 'inside': {
        const node: FieldNode = { key, local: qtag.local, attrs, children: [], base, lang };
        const fieldDepth = parent.fieldDepth ?? depth;
        if (fieldNodes < XML_LIMITS.maxFieldNodes && depth - fieldDepth < XML_LIMITS.maxFieldDepth) {
          fieldNodes++;
          parent.node!.children.push(node);
          stack.push({ role: 'inside', key, base, lang, depth, node, fieldDepth });
        } else {
          // Past the limits the markup is dropped and its text goes to the nearest kept node.
          stack.push({ role: 'inside', key, base, lang, depth, node: parent.node, fieldDepth });
        }
        return;
      }
      default:
        stack.push({ role: 'ignored', key, base, lang, depth });
    }
  }

  function close() {
    if (scopes.length > 1) scopes.pop();
    const frame = stack.pop();
    if (frame) finish(frame);
  }

  function startEntry(key: Key, base: string | undefined, lang: string | undefined, depth: number, attrs: Record<string, string>) {
    if (entries.length >= maxEntries) {
      entriesDropped++;
      stack.push({ role: 'ignored', key, base, lang, depth });
      return;
    }
    current = { fields: [], base, lang, about: attrs['rdf:about']?.trim() || undefined };
    stack.push({ role: 'entry', key, base, lang, depth });
  }

  function startField(
    key: Key,
    local: string,
    attrs: Record<string, string>,
    base: string | undefined,
    lang: string | undefined,
    depth: number,
    owner: 'feed' | 'entry',
  ) {
    const node: FieldNode = { key, local, attrs, children: [], base, lang };
    const fields = owner === 'feed' ? feedFields : current?.fields;
    if (!fields || fields.length >= XML_LIMITS.maxFieldsPerEntry) {
      stack.push({ role: 'ignored', key, base, lang, depth });
      return;
    }
    fieldChars = 0;
    fieldNodes = 0;
    fields.push(node);
    stack.push({ role: 'field', key, base, lang, depth, node, fieldDepth: depth });
  }

  function addText(value: string) {
    const frame = stack[stack.length - 1];
    if (!frame?.node || (frame.role !== 'field' && frame.role !== 'inside')) return;
    if (fieldChars >= XML_LIMITS.maxFieldChars) return;
    const kept = value.slice(0, XML_LIMITS.maxFieldChars - fieldChars);
    fieldChars += kept.length;
    const children = frame.node.children;
    const last = children[children.length - 1];
    if (typeof last === 'string') children[children.length - 1] = last + kept;
    else children.push(kept);
  }

  function finish(frame: Frame) {
    // The entry's fields become values as soon as it closes: its element tree is garbage at once.
    if (frame.role === 'entry' && current && format) {
      entries.push(entryFromFields(current, format));
      current = undefined;
    }
  }

  function end(): XmlFeedDocument {
    // A truncated document: what was read still counts (the entry in progress included).
    while (stack.length > 0) finish(stack.pop()!);

    if (detected === undefined) {
      throw new NotAFeedError('the body holds no XML element (only comments or a declaration)', 'xml');
    }
    if (detected === 'html') throw new NotAFeedError('the body is an HTML page, not a feed', 'html', 'html');
    if (detected === 'none') {
      const root = rootKey.slice(rootKey.indexOf(':') + 1);
      throw new NotAFeedError(`XML but not RSS or Atom (root element <${root}>)`, 'xml', root);
    }
    const feedFormat: FeedFormat = detected;

    const { selfLink, ...feed } = feedFromFields(feedFields, feedFormat, feedLang);
    const doc: XmlFeedDocument = {
      format: feedFormat,
      entries,
      recovered,
      recoveredCount,
      entriesDropped,
      ...feed,
    };
    if (options.baseUrl === undefined) resolveWithoutDocumentUrl(doc, selfLink);
    return doc;
  }

  return { events: { open, text: addText, close }, recordError, end };
}
