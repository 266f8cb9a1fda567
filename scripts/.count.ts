import { builtinTopics, createTopicEngine } from '../shared/classify/index.ts';
const e = createTopicEngine(builtinTopics);
const p = e.phrases();
console.log(p.length, p.filter((x) => x.split(/\s+/)[0]!.endsWith('*')).join(' | '));
