import { describe, expect, it } from 'vitest';
import { builtinTopics, parseTopicDefinition } from '../../../shared/classify/index.ts';
import { TopicCompiler } from '../../../shared/classify/compile-topics.ts';
import { createSymbolStream, scanSymbols, tokenKey, type SymbolStream } from '../../../shared/classify/scan-symbols.ts';
import { CAPITALS_ONLY, scanTokens } from '../../../shared/classify/tokenize.ts';
import { WordIndex } from '../../../shared/classify/word-index.ts';

/** The words of the built-in topics, with a few more prefixes that nest ("elect*" in "election*"). */
function builtinWords(): WordIndex {
  const compiler = new TopicCompiler();
  for (const topic of builtinTopics) compiler.compileTopic(parseTopicDefinition(topic));
  const words = compiler.trie.words;
  words.addPrefix('elect');
  words.addPrefix('election');
  words.addPrefix('sec');
  return words;
}

function symbolsOf(stream: SymbolStream, i: number): number[] {
  return [...stream.symbols.subarray(stream.symbolStart[i], stream.symbolStart[i + 1])];
}

/** Texts that take every path of the tokenizer: acronyms, possessives, final dots, quotes, hyphens, diacritics, case. */
const texts = [
  'U.N. Security Council to vote on Gaza resolution',
  'UN un U.N U.N.-led un-American US us U.S. U.S.-led WHO who Who',
  "Iran's nuclear talks. Iran’s envoy's aides' 'quoted' Sadr 's militia",
  "A. b. ab. 9. 10. 2004. U.S.. said... ... . .. x.y N.Korea N.Korea's S.Korea.",
  "U.S U.S.A. u.s. U.s. a.b.c.d.e. A.9. 9.A. A.BC AB.C. .U.S. U.S.' U.S.'s 'U.N. U.N.: (U.S.) U.S.A.F.",
  'E.U. e.u. W.H.O. w.h.o. Who. U.N U.n u.N. I.R.A. ira I.R.A S.E.C. s.e.c.',
  "Côte d'Ivoire's talks; Shi'ite leaders; İstanbul talks; naïve café; \u212Aelvin KELVIN",
  'six-party cease-fire cease–fire peace-talks - talks -talks talks- U.S.-North Korea',
  "rebels' demands; talks's; talks'ss; X'S; WHO'S who's; it's. Iran's.",
  'Negotiators negotiated RENEGOTIATION elections elected Election SEC sec secretary',
  '“Sanctions” (UNSC) [UNGA] {EU} <b>talks</b> talks/sanctions 3-2 vote 15-member 193-nation',
  '',
  '   ',
  'talks',
  'Ελλάδα και Κύπρος: συνομιλίες; Москва ведёт переговоры; 和平谈判',
];

describe('scanSymbols', () => {
  const words = builtinWords();
  const stream = createSymbolStream();

  it.each(texts.flatMap((text) => [text, text.toUpperCase(), text.toLowerCase()]))(
    'gives the tokens scanTokens gives, read into their symbols: %s',
    (text) => {
      const expected = scanTokens(text);

      const actual = scanSymbols(text, words, stream);

      expect(actual.length).toBe(expected.length);
      for (let i = 0; i < expected.length; i += 1) {
        const key = expected.keys[i] as string;
        expect([actual.starts[i], actual.ends[i], actual.joinNext[i] === 1, tokenKey(actual, i)]).toEqual([
          expected.starts[i],
          expected.ends[i],
          expected.joinNext[i],
          key,
        ]);
        const lookedUp: number[] = [];
        lookedUp.length = words.lookup(key, lookedUp);
        expect(symbolsOf(actual, i), `symbols of "${key}"`).toEqual(lookedUp);
      }
    },
  );

  it('reuses a stream: a long text after short ones, then a short one again', () => {
    const long = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 'peace-talks' : "Iran's")).join(' ');
    scanSymbols('talks', words, stream);
    expect(scanSymbols(long, words, stream).length).toBe(scanTokens(long).length);
    const short = scanSymbols('U.N. talks', words, stream);
    expect(short.length).toBe(2);
    expect(tokenKey(short, 0)).toBe('un');
    expect(tokenKey(short, 1)).toBe('talks');
  });
});

describe('WordIndex', () => {
  it('reads a word as its own symbol first, then its prefixes, shortest first', () => {
    const index = new WordIndex();
    const longPrefix = index.addPrefix('election');
    const word = index.addWord('elections');
    const shortPrefix = index.addPrefix('elect');
    const out: number[] = [];

    expect(out.slice(0, index.lookup('elections', out))).toEqual([word, shortPrefix, longPrefix]);
    expect(out.slice(0, index.lookup('elect', out))).toEqual([shortPrefix]);
    expect(out.slice(0, index.lookup('ele', out))).toEqual([]);
    expect(index.addWord('elections')).toBe(word);
    expect(index.isPrefix[word]).toBe(false);
    expect(index.isPrefix[shortPrefix]).toBe(true);
  });

  it('drops a capitals-only word written in lower case, but keeps its prefixes', () => {
    const index = new WordIndex(CAPITALS_ONLY);
    const sec = index.addWord('sec');
    const prefix = index.addPrefix('sec');
    const stream = scanSymbols('SEC sec', index);

    expect(symbolsOf(stream, 0)).toEqual([sec, prefix]);
    expect(symbolsOf(stream, 1)).toEqual([prefix]);
  });

  it('refuses a prefix shorter than three characters', () => {
    expect(() => new WordIndex().addPrefix('ne')).toThrow('shorter than 3');
  });

  it('keeps thousands of words apart (the tables grow)', () => {
    const index = new WordIndex();
    const ids = Array.from({ length: 5000 }, (_, i) => index.addWord(`w${i.toString(36)}x`));
    const out: number[] = [];
    for (let i = 0; i < 5000; i += 1) {
      expect(out.slice(0, index.lookup(`w${i.toString(36)}x`, out))).toEqual([ids[i]]);
    }
    expect(index.lookup('w0', out)).toBe(0);
  });
});
