import { builtinTopics, createTopicEngine } from '../shared/classify/index.ts';
const engine = createTopicEngine(builtinTopics);
for (const t of process.argv.slice(2)) console.log(t, JSON.stringify(engine.evaluate({ title: t })));
