import { readFileSync } from 'node:fs';
import { builtinTopics, createTopicEngine, evaluateLabelled } from '../shared/classify/index.ts';
const items = readFileSync('test/fixtures/classify/labelled.jsonl','utf8').trim().split('\n').map((l) => JSON.parse(l));
const engine = createTopicEngine(builtinTopics);
const r = evaluateLabelled(engine, items);
for (const s of [...r.topics, r.micro]) console.log(s.topic, s.support, 'P', s.precision.toFixed(3), 'R', s.recall.toFixed(3), 'F1', s.f1.toFixed(3));
for (const it of items) {
  const got = engine.classify(it).map((m) => m.topic).sort();
  const want = [...it.labels].sort();
  if (got.join() !== want.join()) {
    console.log(it.id, 'want', want.join(), 'got', got.join(), '|', it.title);
    for (const e of engine.evaluate(it)) console.log('   ', e.topic, e.score, e.vetoedBy ? 'VETO ' + e.vetoedBy.text : '', e.rules.map((x) => `${x.rule} ${x.contribution.toFixed(2)} [${x.matched.map((m) => m.text).join(', ')}]`).join('; '));
  }
}
