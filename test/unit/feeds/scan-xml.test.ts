import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sax from 'sax';
import { describe, expect, it } from 'vitest';
import { generateFeed } from '../../../bench/feeds.ts';
import { scanXml } from '../../../shared/feeds/scan-xml.ts';
import { escapeBareAmpersands } from '../../../shared/feeds/xml-entity-guard.ts';

type Event = ['open', string, Record<string, string>] | ['text', string] | ['close'];

/** Adjacent text events as one (the reader concatenates them), text outside the root dropped (the reader ignores it). */
function collector() {
  const events: Event[] = [];
  let depth = 0;
  return {
    events,
    open(name: string, attributes: Record<string, string>) {
      depth++;
      events.push(['open', name, { ...attributes }]);
    },
    text(value: string) {
      if (depth === 0) return;
      const last = events[events.length - 1];
      if (last?.[0] === 'text') last[1] += value;
      else events.push(['text', value]);
    },
    close() {
      depth--;
      events.push(['close']);
    },
  };
}

/** sax as the reader runs it (strict, no xmlns, no position), its errors collected instead of recovered from. */
function saxEvents(text: string): { events: Event[]; errors: string[] } {
  const parser = sax.parser(true, { xmlns: false, position: false });
  const collected = collector();
  const errors: string[] = [];
  parser.onerror = (error) => {
    errors.push(error.message);
    (parser as unknown as { error: unknown }).error = null;
  };
  parser.onopentag = (tag) => collected.open(tag.name, tag.attributes as Record<string, string>);
  parser.ontext = collected.text;
  parser.oncdata = collected.text;
  parser.onclosetag = collected.close;
  parser.write(text).close();
  return { events: collected.events, errors };
}

function scanned(text: string): Event[] | undefined {
  const collected = collector();
  return scanXml(text, collected) ? collected.events : undefined;
}

/**
 * Whatever the scanner reads, it reads as sax does once the bare `&` are escaped (what the reader
 * gives sax), and only documents sax then reads without an error.
 */
function expectSaxEquivalent(text: string): boolean {
  const events = scanned(text);
  if (events === undefined) return false;
  const reference = saxEvents(escapeBareAmpersands(text));
  expect(reference.errors, text.slice(0, 200)).toEqual([]);
  expect(events, text.slice(0, 200)).toEqual(reference.events);
  return true;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? files(file) : [file];
  });
}

describe('scanXml', () => {
  it('gives sax’s events for every conformance document it reads, and reads most of them', () => {
    const dir = path.join(import.meta.dirname, '../../fixtures/conformance/feeds');
    let read = 0;
    let total = 0;
    for (const file of files(dir)) {
      total++;
      if (expectSaxEquivalent(new TextDecoder().decode(readFileSync(file)))) read++;
    }
    expect(total).toBeGreaterThan(200);
    expect(read / total).toBeGreaterThan(0.85);
  });

  it('reads an ordinary feed (CDATA, entities, namespaces, a DOCTYPE without subset) itself', () => {
    expect(expectSaxEquivalent(generateFeed(20_000).toString('utf8'))).toBe(true);
    const atom =
      '\uFEFF<?xml version="1.0"?>\n<!DOCTYPE feed PUBLIC "-//x//[y]" \'z>\'>\n<!-- c -->' +
      '<a:feed xmlns:a="http://www.w3.org/2005/Atom" xml:lang = \'en\'><a:entry><a:title type="html">A &amp;amp; B&#x41;&#65;&AMP;&Eacute;&mdash;</a:title>' +
      '<a:link href="/x?a=1&amp;b=2" rel="alternate" rel="dup"/><a:content><![CDATA[<p>x</p>]]>tail<![CDATA[]]]]></a:content></a:entry></a:feed >\n';
    expect(expectSaxEquivalent(atom)).toBe(true);
  });

  it('reads a bare & as itself, as sax reads it escaped', () => {
    const text = '<rss><link>?a=1&b=2 & &c d &#38;</link><x a="?q&r" b="&lt;"/><![CDATA[&amp;]]></rss>';
    expect(expectSaxEquivalent(text)).toBe(true);
    expect(scanned(text)).toEqual([
      ['open', 'rss', {}],
      ['open', 'link', {}],
      ['text', '?a=1&b=2 & &c d &'],
      ['close'],
      ['open', 'x', { a: '?q&r', b: '<' }],
      ['close'],
      ['text', '&amp;'],
      ['close'],
    ]);
  });

  it('leaves to sax what sax reports or reads in its own way', () => {
    const leftToSax = [
      '<!DOCTYPE rss [<!ENTITY a "b">]><rss>&a;</rss>',
      '<rss>&constructor;</rss>',
      '<rss>&#0;</rss>',
      '<rss>&#xD800;</rss>',
      '<rss>&nosuchentity;</rss>',
      '<rss><?pi a??>x?></rss>',
      '<rss><a></b></rss>',
      '<rss>< a/></rss>',
      '<rss></ rss>',
      '<rss><!-- a -- b --></rss>',
      '<rss a=1/>',
      '<rss a="1"b="2"/>',
      '<rss/><rss/>',
      'x<rss/>',
      '<rss><title>Cut',
      '<rss><titlé>x</titlé></rss>',
      '<rss><![CDATA[x]]></rss><![CDATA[y]]>',
      '<!DOCTYPE rss><!DOCTYPE rss><rss/>',
      '<!ELEMENT x><rss/>',
      // Where escapeBareAmpersands would take a CDATA section to be, by text alone.
      '<rss><!-- <![CDATA[ --> a&b ]]></rss>',
      '<rss a="<![CDATA["> a&b ]]></rss>',
      '<rss><![cdata[a&b]]></rss>',
    ];
    for (const text of leftToSax) expect(expectSaxEquivalent(text), text).toBe(false);
  });

  it('keeps the first of two attributes with one name, as sax does', () => {
    expect(expectSaxEquivalent('<rss a="1" a="2" b=\'x&lt;y\' c="<"/>')).toBe(true);
    expect(scanned('<rss a="1" a="2"/>')).toEqual([['open', 'rss', { a: '1' }], ['close']]);
  });
});
