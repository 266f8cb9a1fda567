import { describe, expect, it } from 'vitest';
import { HitList, PhraseTrie } from '../../../shared/classify/phrase-trie.ts';
import { scanSymbols } from '../../../shared/classify/scan-symbols.ts';

const word = (key: string) => ({ key, prefix: false });

/** The phrases found in a text, as `phrase id@first token-end token`. */
function hitsIn(trie: PhraseTrie, text: string): string[] {
  const hits = new HitList();
  trie.match(scanSymbols(text, trie.words), 0, hits);
  return hits.items.slice(0, hits.count).map((h) => `${h.phrase}@${h.start}-${h.end}`);
}

describe('PhraseTrie', () => {
  it('finds every second word of a node with many edges (each found by search, none by a neighbour)', () => {
    const trie = new PhraseTrie();
    const seconds = Array.from({ length: 40 }, (_, i) => `w${String(i).padStart(2, '0')}`);
    // Inserted out of symbol order, so the node's edges are sorted when the trie is read.
    const order = seconds.map((_, i) => (i * 17) % seconds.length);
    for (const i of order) trie.insert([word('peace'), word(seconds[i] as string)], i);

    for (let i = 0; i < seconds.length; i += 1) expect(hitsIn(trie, `peace ${seconds[i]}`)).toEqual([`${i}@0-2`]);
    expect(hitsIn(trie, 'peace w40 w01')).toEqual([]);
  });

  it('reads phrases inserted after a first match', () => {
    const trie = new PhraseTrie();
    trie.insert([word('peace'), word('talks')], 0);
    expect(hitsIn(trie, 'peace talks resume')).toEqual(['0@0-2']);

    trie.insert([word('talks'), word('resume')], 1);
    trie.insert([word('peace'), word('talks')], 2);

    expect(hitsIn(trie, 'peace talks resume')).toEqual(['0@0-2', '2@0-2', '1@1-3']);
  });
});
