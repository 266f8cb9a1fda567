import { loadBenchItems } from '../bench/classify.ts';
import { TopicCompiler } from '../shared/classify/compile-topics.ts';
import { builtinTopics } from '../shared/classify/index.ts';
import { tokenize } from '../shared/classify/tokenize.ts';
import { toClassifierText } from '../shared/classify/plain-text.ts';
const c = new TopicCompiler(); for (const t of builtinTopics) c.compileTopic(t);
const vocab = (c.trie as any).vocabulary;
const { items } = loadBenchItems();
const plains = items.flatMap((it) => [it.title, it.summary ?? '']).map(toClassifierText);
const toks = plains.map((p) => ({ lower: p.toLowerCase(), t: tokenize(p) }));
const m = new Map<string, number>(vocab.words.map((w: string, i: number) => [w, i]));
const R = 200; const out = { found: [] as readonly number[] };
function time(name: string, f: () => number) { f(); const t = performance.now(); const x = f(); const ms = performance.now() - t; console.log(name, (ms * 1000 / (R * items.length)).toFixed(2), 'µs/item', x); }
for (let k = 0; k < 3; k++) {
time('vocab', () => { let n = 0; for (let r = 0; r < R; r++) for (const { lower, t } of toks) for (const x of t) n += vocab.lookup(lower, x.start, x.end, out); return n; });
time('slice+map', () => { let n = 0; for (let r = 0; r < R; r++) for (const { lower, t } of toks) for (const x of t) n += m.get(lower.slice(x.start, x.end)) ?? -1; return n; });
}
