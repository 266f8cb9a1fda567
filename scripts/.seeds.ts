import { readFileSync, readdirSync } from 'node:fs';
import { builtinTopics, createTopicEngine } from '../shared/classify/index.ts';
const engine = createTopicEngine(builtinTopics);
const dir = '/work/shared/seeds';
for (const f of readdirSync(dir).sort()) {
  const lines = readFileSync(`${dir}/${f}`, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !/^(Support The Moscow Times!|Contribute today)$/.test(l) && !/^date \d/.test(l));
  const title = lines[0] as string;
  const paras = lines.slice(1).filter((l) => l.length >= 120 && /[.!?"”’]$/.test(l) && !/Getty Images/.test(l) && l !== title);
  for (const n of [2, 99]) {
    const summary = paras.slice(0, n).join(' ');
    const r = engine.classify({ title, summary });
    console.log(f, n, '|', title.slice(0, 70), '=>', r.map((m) => `${m.topic}:${m.score}[${m.matched.slice(0,4).map((x) => x.text).join(', ')}]`).join('  '));
  }
}
