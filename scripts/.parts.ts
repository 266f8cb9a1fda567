import { loadBenchItems } from '../bench/classify.ts';
import { TopicCompiler } from '../shared/classify/compile-topics.ts';
import { builtinTopics, createTopicEngine } from '../shared/classify/index.ts';
import { scanTokens, type TokenStream } from '../shared/classify/tokenize.ts';
import { toClassifierText } from '../shared/classify/plain-text.ts';
import type { TrieHit } from '../shared/classify/phrase-trie.ts';
const c = new TopicCompiler(); for (const t of builtinTopics) c.compileTopic(t);
const { items } = loadBenchItems();
const R = 100;
const texts = items.flatMap((it) => [it.title, it.summary ?? '']);
function time(name: string, f: () => void) { f(); const t = performance.now(); f(); const ms = performance.now() - t; console.log(name, (ms * 1000 / (R * items.length)).toFixed(2), 'µs/item'); }
time('plain', () => { for (let r = 0; r < R; r++) for (const s of texts) toClassifierText(s); });
const plains = texts.map(toClassifierText);
time('scan', () => { for (let r = 0; r < R; r++) for (const s of plains) c.trie.scan(s); });
const streams: TokenStream[] = plains.map((p) => c.trie.scan(p));
time('match', () => { for (let r = 0; r < R; r++) for (const s of streams) { const h: TrieHit[] = []; c.trie.match(s, 0, h); } });
const e = createTopicEngine(builtinTopics);
time('classify', () => { for (let r = 0; r < R; r++) for (const it of items) e.classify(it); });
