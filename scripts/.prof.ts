import { loadBenchItems } from '../bench/classify.ts';
import { builtinTopics, createTopicEngine } from '../shared/classify/index.ts';
const { items } = loadBenchItems();
const engine = createTopicEngine(builtinTopics);
let n = 0; const t = performance.now();
for (let r = 0; r < 600; r++) for (const it of items) n += engine.classify(it).length;
console.log((items.length * 600) / ((performance.now() - t) / 1000), 'items/s', n);
