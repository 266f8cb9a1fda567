import { loadBenchItems } from '../bench/classify.ts';
import { TopicCompiler } from '../shared/classify/compile-topics.ts';
import { builtinTopics } from '../shared/classify/index.ts';
import { scanTokens } from '../shared/classify/tokenize.ts';
import { toClassifierText } from '../shared/classify/plain-text.ts';
import type { TrieHit } from '../shared/classify/phrase-trie.ts';
const c = new TopicCompiler(); for (const t of builtinTopics) c.compileTopic(t);
const { items } = loadBenchItems();
let tokens = 0, hits = 0, members = 0;
for (const it of items) for (const f of [it.title, it.summary ?? '']) { const s = scanTokens(toClassifierText(f)); tokens += s.length; const h: TrieHit[] = []; c.trie.match(s, 0, h); hits += h.length; for (const x of h) members += c.memberSets[x.phrase]!.length; }
console.log('tokens/item', tokens / items.length, 'hits/item', hits / items.length, 'memberships/item', members / items.length, 'sets', c.topicsBySet.length);
