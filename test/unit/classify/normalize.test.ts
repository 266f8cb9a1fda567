import { describe, expect, it } from 'vitest';
import { builtinTopics, createTopicEngine } from '../../../shared/classify/index.ts';
import { toClassifierText } from '../../../shared/core/classifier-text.ts';
import { tokenize } from '../../../shared/classify/tokenize.ts';

const keys = (text: string) => tokenize(text).map((t) => t.key);
const engine = createTopicEngine(builtinTopics);
const topics = (title: string, summary?: string) =>
  engine
    .classify({ title, summary })
    .map((m) => m.topic)
    .sort();

describe('toClassifierText', () => {
  it('decodes AG News leftovers: mangled entities, escaped markup, backslash line breaks', () => {
    expect(toClassifierText('Sudan #39;s rebels')).toBe("Sudan's rebels");
    expect(toClassifierText('warned  quot;unfair quot; terms')).toBe('warned "unfair" terms');
    expect(toClassifierText('Johnson  amp; Johnson')).toBe('Johnson & Johnson');
    expect(toClassifierText('fell to  #36;560 billion')).toBe('fell to $560 billion');
    expect(toClassifierText('Talks resume &lt;b&gt;...&lt;/b&gt;')).toBe('Talks resume  ... ');
    expect(toClassifierText('no date set for\\working-level talks')).toBe('no date set for working-level talks');
    expect(toClassifierText('costs \\$4 billion')).toBe('costs $4 billion');
  });

  it('restores a mangled entity only after a space or at the start, and only a known name', () => {
    expect(toClassifierText('#39;quoted #39; #X27;x')).toBe("'quoted''x");
    expect(toClassifierText('ref#39; and #1234567; and  nbsp;')).toBe('ref#39; and #1234567; and \u00a0');
    // Decoded twice, as escaped-twice entities are: "&amp;amp;" → "&".
    expect(toClassifierText('a\u00a0amp;b;c amp;amp;')).toBe('a&b;c&');
  });

  it('decodes real entities, twice-escaped ones too, and strips tags', () => {
    expect(toClassifierText('EU &amp; US &#8216;agree&#8217;')).toBe('EU & US ‘agree’');
    expect(toClassifierText('&amp;lt;p&amp;gt;Sanctions')).toBe(' Sanctions');
    expect(toClassifierText('<p>Peace <em>talks</em></p>')).toBe(' Peace  talks  ');
  });

  it('leaves plain text unchanged, so positions are offsets into the caller’s string', () => {
    const plain = 'Iran and the EU resume nuclear talks; Moscow warns of sanctions.';
    expect(toClassifierText(plain)).toBe(plain);
    expect(toClassifierText('refugee camp; aid')).toBe('refugee camp; aid');
  });
});

describe('tokenize', () => {
  it('reads U.N., UN and U.N alike, and keeps "US" apart from "us"', () => {
    expect(keys('U.N. UN U.N')).toEqual(['un', 'un', 'un']);
    expect(keys('U.S.-led')).toEqual(['us', 'led']);
    expect(keys('told us')[1]).not.toBe('us');
    expect(keys('un-American')[0]).not.toBe('un');
    expect(keys('WHO who')[0]).toBe('who');
    expect(keys('WHO who')[1]).not.toBe('who');
  });

  it('folds possessives, quotes, diacritics and apostrophes inside words', () => {
    expect(keys("the Council's vote")).toEqual(['the', 'council', 'vote']);
    expect(keys('the Council’s vote')).toEqual(['the', 'council', 'vote']);
    expect(keys("the rebels' demands")).toEqual(['the', 'rebels', 'demands']);
    expect(keys("Sadr 's militia")).toEqual(['sadr', 'militia']);
    expect(keys("'disappointed' Côte d'Ivoire Shi'ite")).toEqual(['disappointed', 'cote', 'divoire', 'shiite']);
  });

  it('splits words glued by dots and marks hyphenated words', () => {
    expect(keys('N.Korea talks')).toEqual(['n', 'korea', 'talks']);
    const tokens = tokenize('six-party cease-fire');
    expect(tokens.map((t) => [t.key, t.joinNext])).toEqual([
      ['six', true],
      ['party', false],
      ['cease', true],
      ['fire', false],
    ]);
  });

  it('gives offsets into the text, possessive included', () => {
    const text = "Kyiv's envoy";
    const [first] = tokenize(text);
    expect(text.slice(first?.start, first?.end)).toBe("Kyiv's");
  });
});

describe('matching the way news writes', () => {
  it('treats U.N., UN, UNSC and "United Nations" alike', () => {
    expect(topics('U.N. Security Council to vote on Gaza resolution')).toEqual(['un-meeting']);
    expect(topics('UN Security Council to vote on Gaza resolution')).toEqual(['un-meeting']);
    expect(topics('UNSC to vote on Gaza resolution')).toEqual(['un-meeting']);
    expect(topics('United Nations Security Council to vote on Gaza resolution')).toEqual(['un-meeting']);
    expect(topics('UNGA debate on Ukraine resolution ends in vote')).toEqual(['un-meeting']);
  });

  it('matches hyphenated, spaced and joined spellings of the same phrase', () => {
    for (const spelling of ['cease-fire', 'ceasefire', 'cease fire']) {
      expect(topics(`Israel and Hamas agree ${spelling} after Egyptian mediation`), spelling).toEqual(['talks']);
    }
    expect(topics('Six-party talks on North Korea resume')).toEqual(['talks']);
    expect(topics('Six party talks on North Korea resume')).toEqual(['talks']);
  });

  it('matches inflections through prefixes and listed forms', () => {
    expect(topics('Armenia and Azerbaijan negotiated through the night')).toEqual(['talks']);
    expect(topics('Armenia and Azerbaijan resume negotiations')).toEqual(['talks']);
    expect(topics('Armenian negotiators reject Azerbaijani proposal')).toEqual(['talks']);
    expect(topics('Britain freezes assets of Belarusian officials')).toEqual(['sanctions']);
    expect(topics('EU asset freezes hit Russian oligarchs')).toEqual(['sanctions']);
  });

  it('reads possessives and AG leftovers before matching', () => {
    expect(topics('Security Council #39;s vote on Darfur delayed')).toEqual(['un-meeting']);
    expect(topics("Security Council's vote on Darfur delayed")).toEqual(['un-meeting']);
    expect(topics('Sudan rejects  quot;unfair quot; UN sanctions &lt;b&gt;...&lt;/b&gt;')).toEqual(['sanctions']);
  });

  it('does not read lower-case "us" as the United States', () => {
    expect(topics('Give us talks, fans tell club')).toEqual([]);
  });
});
