import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { decodeFeed } from '../../../shared/feeds/decode-feed.ts';

const ascii = (text: string) => Buffer.from(text, 'latin1');
const bytes = (...parts: (string | number[] | Buffer)[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? ascii(part) : Buffer.from(part))));

// "Мир" (peace) in windows-1251: CC E8 F0.
const MIR_1251 = [0xcc, 0xe8, 0xf0];
// "Café" in ISO-8859-1: é is E9.
const CAFE_LATIN1 = [0x43, 0x61, 0x66, 0xe9];

describe('decodeFeed', () => {
  it('reads windows-1251 from the XML declaration', async () => {
    const body = bytes('<?xml version="1.0" encoding="windows-1251"?><rss><title>', MIR_1251, '</title></rss>');
    const decoded = await decodeFeed(body, 'application/rss+xml');
    expect(decoded).toMatchObject({ charset: 'windows-1251', source: 'xml-declaration' });
    expect(decoded.text).toContain('<title>Мир</title>');
  });

  it('reads ISO-8859-1 from the Content-Type charset (as windows-1252, like browsers)', async () => {
    const body = bytes('<rss><title>', CAFE_LATIN1, ' ', [0x93], 'quoted', [0x94], '</title></rss>');
    const decoded = await decodeFeed(body, 'text/xml; charset="ISO-8859-1"');
    expect(decoded.source).toBe('content-type');
    expect(decoded.text).toContain('<title>Café “quoted”</title>');
  });

  it('prefers the Content-Type charset over the XML declaration', async () => {
    const body = bytes('<?xml version="1.0" encoding="utf-8"?><t>', MIR_1251, '</t>');
    expect((await decodeFeed(body, 'text/xml;charset=windows-1251')).text).toContain('<t>Мир</t>');
  });

  it('prefers a byte-order mark over everything else, and removes it', async () => {
    const body = bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0" encoding="windows-1251"?><t>', Buffer.from('Мир', 'utf8'), '</t>');
    const decoded = await decodeFeed(body, 'text/xml; charset=iso-8859-1');
    expect(decoded).toMatchObject({ charset: 'utf-8', source: 'bom' });
    expect(decoded.text.startsWith('<?xml')).toBe(true);
    expect(decoded.text).toContain('<t>Мир</t>');
  });

  it('decodes UTF-16 little- and big-endian by their BOM', async () => {
    const text = '<t>Мир</t>';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    expect((await decodeFeed(le)).text).toBe(text);
    expect(await decodeFeed(be)).toMatchObject({ text, charset: 'utf-16be', source: 'bom' });
  });

  it('defaults to UTF-8, and replaces invalid sequences with U+FFFD in a body declared UTF-8', async () => {
    expect(await decodeFeed(bytes('<t>plain ascii</t>'), 'application/xml')).toMatchObject({ charset: 'utf-8', source: 'default' });
    const body = bytes('<?xml version="1.0" encoding="UTF-8"?><t>ok ', [0xff, 0xfe, 0xc3, 0x28], Buffer.from(' Мир', 'utf8'), '</t>');
    const decoded = await decodeFeed(body, 'application/xml');
    expect(decoded).toMatchObject({ charset: 'utf-8', source: 'xml-declaration' });
    expect(decoded.text).toBe('<?xml version="1.0" encoding="UTF-8"?><t>ok \uFFFD\uFFFD\uFFFD( Мир</t>');
  });

  it('keeps UTF-8 for an undeclared body that is UTF-8 but for a stray byte', async () => {
    const body = bytes('<t>', Buffer.from('Мир — Київ — Москва ', 'utf8'), [0xe9], '</t>');
    expect(await decodeFeed(body)).toMatchObject({ charset: 'utf-8', source: 'default', text: '<t>Мир — Київ — Москва \uFFFD</t>' });
  });

  it('sniffs an undeclared body that is not UTF-8: windows-1252, or the charset whose text reads as its script', async () => {
    const latin = await decodeFeed(bytes('<rss><title>', CAFE_LATIN1, ' au lait</title></rss>'));
    expect(latin).toMatchObject({ source: 'sniffed', text: '<rss><title>Café au lait</title></rss>' });
    // A Russian sentence in KOI8-R, long enough for statistics.
    const russian = 'Как пережить новогоднюю ночь и не потерять голову: советы врачей и психологов для всей семьи';
    const koi8 = await decodeFeed(bytes('<rss><title>', iconv.encode(russian, 'koi8-r'), '</title></rss>'));
    expect(koi8).toMatchObject({ charset: 'koi8-r', source: 'sniffed' });
    expect(koi8.text).toContain(russian);
  });

  it.each([
    ['Russian', 'windows-1251', 'Правительство объявило о новых мерах поддержки экономики, сообщили в министерстве финансов.'],
    ['Russian', 'iso-8859-5', 'Правительство объявило о новых мерах поддержки экономики, сообщили в министерстве финансов.'],
    ['Russian', 'ibm866', 'Правительство объявило о новых мерах поддержки экономики, сообщили в министерстве финансов.'],
    ['Greek', 'windows-1253', 'Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία και την ενέργεια στην Αθήνα.'],
    ['Korean', 'euc-kr', '서울에서 열린 회의에서 정부는 새로운 경제 정책을 발표했다. 대통령은 기자들에게 말했다.'],
    ['Japanese', 'shift_jis', '東京で開かれた会議で、政府は新しい経済政策を発表しました。首相は記者団に語りました。'],
    ['Japanese', 'euc-jp', '東京で開かれた会議で、政府は新しい経済政策を発表しました。首相は記者団に語りました。'],
    ['Chinese', 'gb18030', '中国政府今天在北京发表声明，表示将继续推动经济发展，并加强与各国的合作。'],
    ['Chinese', 'big5', '中國政府今天在台北發表聲明，表示將繼續推動經濟發展，並加強與各國的合作。'],
    ['German', 'windows-1252', 'Die Bundesregierung hat über die Maßnahmen für Bürger in München und Köln beraten.'],
  ])('sniffs undeclared %s in %s', async (_language, charset, title) => {
    // Act
    const decoded = await decodeFeed(
      bytes('<rss><channel><title>', iconv.encode(title, charset), '</title><link>http://example.com/feed</link></channel></rss>'),
    );

    // Assess
    expect(decoded).toMatchObject({ charset, source: 'sniffed' });
    expect(decoded.text).toContain(title);
  });

  it('reads undeclared binary noise as windows-1252', async () => {
    // Prepare: bytes from a fixed linear congruential sequence
    const noise = Buffer.alloc(4096);
    for (let i = 0, x = 12345; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;

    // Act and assess
    expect(await decodeFeed(noise)).toMatchObject({ charset: 'windows-1252', source: 'sniffed' });
  });

  it("reads UTF-32 by its BOM and UTF-16 without a BOM by the declaration's byte pattern", async () => {
    const text = '<?xml version="1.0"?><t>Мир</t>';
    const utf32 = Buffer.concat([Buffer.from([0x00, 0x00, 0xfe, 0xff]), iconv.encode(text, 'utf-32be')]);
    expect(await decodeFeed(utf32)).toMatchObject({ text, charset: 'utf-32be', source: 'bom' });
    expect(await decodeFeed(Buffer.from(text, 'utf16le'))).toMatchObject({ text, charset: 'utf-16le' });
  });

  it('reads C1 control characters as the windows-1252 punctuation they stand for', async () => {
    expect((await decodeFeed(Buffer.from('<t>don\u0092t \u0093x\u0094</t>', 'utf8'))).text).toBe('<t>don’t “x”</t>');
  });

  it('falls through an unknown charset label to the next source', async () => {
    const body = bytes('<?xml version="1.0" encoding="koi8-r"?><t>', [0xed, 0xc9, 0xd2], '</t>');
    const decoded = await decodeFeed(body, 'text/xml; charset=x-no-such-charset');
    expect(decoded).toMatchObject({ charset: 'koi8-r', source: 'xml-declaration' });
    expect(decoded.text).toContain('<t>Мир</t>');
  });

  it('drops control characters XML forbids, keeping tabs and newlines', async () => {
    expect((await decodeFeed(bytes('<t>a', [0x00, 0x07, 0x1b], 'b\t\nc</t>'))).text).toBe('<t>ab\t\nc</t>');
  });
});
