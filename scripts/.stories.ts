import { readFileSync } from 'node:fs';
import { builtinTopics, createTopicEngine } from '../shared/classify/index.ts';
const items = readFileSync('../shared/corpus/stories-dev.jsonl','utf8').trim().split('\n').map((l) => JSON.parse(l));
const engine = createTopicEngine(builtinTopics);
const devTitles = new Set(readFileSync('../shared/corpus/news-dev.jsonl','utf8').trim().split('\n').map((l) => JSON.parse(l).title));
let n = 0;
for (const it of items) {
  if (devTitles.has(it.title)) continue;
  n++;
  const got = engine.classify(it);
  const kw = /talks|negotiat|sanction|embargo|summit|U\.?N\.?\b|United Nations|Security Council|ceasefire|cease-fire|truce|peace/i.test(it.title + ' ' + it.summary);
  if (got.length || kw) console.log(got.length ? '+' : '-', got.map((m) => m.topic).join(',').padEnd(18), it.title.slice(0, 90), '||', (it.summary||'').slice(0, 160));
}
console.log(n, 'items not in dev');
