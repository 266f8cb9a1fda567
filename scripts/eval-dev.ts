// Scores the built-in topics against a labelled JSONL file (default: the development set in
// ../shared/corpus, read in place: its licence forbids copying it into this repository).
//
//   node_modules/.bin/node --import tsx scripts/eval-dev.ts [FILE] [--errors] [--explain] [--json]
//
// --errors lists false positives and negatives; --explain adds each error's rule contributions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinTopics, createTopicEngine, evaluateLabelled, formatEvaluationReport, type LabelledItem } from '../shared/classify/index.ts';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const file = args.find((a) => !a.startsWith('--')) ?? path.join(repoRoot, '..', 'shared', 'corpus', 'news-dev.jsonl');

const items: LabelledItem[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line, index) => {
    const raw = JSON.parse(line) as { id?: string; title: string; summary?: string; labels?: string[] };
    return { id: raw.id ?? `line ${index + 1}`, title: raw.title, summary: raw.summary, labels: raw.labels ?? [] };
  });

const engine = createTopicEngine(builtinTopics);
const report = evaluateLabelled(engine, items);

if (flags.has('--json')) {
  console.log(JSON.stringify(report, null, 2));
} else {
  process.stdout.write(`${file}: ${formatEvaluationReport(report)}`);
  if (flags.has('--errors') || flags.has('--explain')) {
    const byId = new Map(items.map((i) => [i.id, i]));
    const explain = (id: string, topic: string) => {
      if (!flags.has('--explain')) return '';
      const item = byId.get(id) as LabelledItem;
      const evaluation = engine.evaluate(item).find((e) => e.topic === topic);
      if (!evaluation) return '\n      (no rule matched)';
      if (evaluation.vetoedBy) return `\n      vetoed by "${evaluation.vetoedBy.text}"`;
      return `\n      score ${evaluation.score}: ${evaluation.rules
        .map((r) => `${r.rule} ${r.contribution.toFixed(2)} [${r.matched.map((m) => m.text).join(', ')}]`)
        .join('; ')}`;
    };
    console.log('\nfalse positives:');
    for (const fp of report.falsePositives) console.log(`  ${fp.id} ${fp.topic} ${fp.score}  ${fp.title}${explain(fp.id, fp.topic)}`);
    console.log('\nfalse negatives:');
    for (const fn of report.falseNegatives) console.log(`  ${fn.id} ${fn.topic}  ${fn.title}${explain(fn.id, fn.topic)}`);
  }
}
