import { readFileSync } from 'node:fs';
import { builtinTopics, createTopicEngine, toClassifierText } from '../shared/classify/index.ts';
import { tokenize } from '../shared/classify/tokenize.ts';
const ids = process.argv.slice(2);
const items = readFileSync('/work/shared/corpus/news-dev.jsonl','utf8').trim().split('\n').map((l) => JSON.parse(l));
const engine = createTopicEngine(builtinTopics);
for (const it of items.filter((i: any) => ids.includes(i.id))) {
  console.log(it.id, toClassifierText(it.title), '||', toClassifierText(it.summary));
  console.log(tokenize(toClassifierText(it.summary)).map(t=>t.key).join(' '));
  console.log(JSON.stringify(engine.evaluate(it), null, 1));
}
