import { readFileSync } from 'node:fs';
import { builtinTopics, createTopicEngine } from '../shared/classify/index.ts';
const engine = createTopicEngine(builtinTopics);
const file = process.argv[2] as string; const needle = process.argv[3] as string;
for (const it of readFileSync(file,'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((i) => i.id === needle || i.title.includes(needle))) {
  console.log(it.title, '||', it.summary);
  for (const e of engine.evaluate(it)) console.log('   ', e.topic, e.score, e.passed, e.vetoedBy ? 'VETO ' + e.vetoedBy.text : '', e.rules.map((x) => `${x.rule} ${x.contribution.toFixed(2)} [${x.matched.map((m) => m.text).join(', ')}]`).join('; '));
}
