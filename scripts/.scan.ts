import { loadBenchItems } from '../bench/classify.ts';
import { TopicCompiler } from '../shared/classify/compile-topics.ts';
import { builtinTopics } from '../shared/classify/index.ts';
import { scanTokens } from '../shared/classify/tokenize.ts';
import { toClassifierText } from '../shared/classify/plain-text.ts';
const c = new TopicCompiler(); for (const t of builtinTopics) c.compileTopic(t);
const { items } = loadBenchItems();
const plains = items.flatMap((it) => [it.title, it.summary ?? '']).map(toClassifierText);
const R = 200;
function time(name: string, f: () => void) { f(); const t = performance.now(); f(); const ms = performance.now() - t; console.log(name, (ms * 1000 / (R * items.length)).toFixed(2), 'µs/item'); }
for (let k = 0; k < 3; k++) {
time('scan-keys', () => { for (let r = 0; r < R; r++) for (const s of plains) scanTokens(s); });
time('scan-vocab', () => { for (let r = 0; r < R; r++) for (const s of plains) c.trie.scan(s); });
}
