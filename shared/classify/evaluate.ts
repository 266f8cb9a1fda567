import type { TopicEngine } from './topic-engine.ts';

/** An item with the topics a person gave it. */
export interface LabelledItem {
  id: string;
  title: string;
  summary?: string;
  labels: string[];
}

/** Precision, recall and F1 of one topic (or the micro average), with its confusion lists. */
export interface TopicScores {
  topic: string;
  /** Items labelled with the topic. */
  support: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvaluationReport {
  items: number;
  topics: TopicScores[];
  micro: TopicScores;
  /** Items labelled with no topic that got at least one, as a share of all such items. */
  unlabelledFlagged: { items: number; flagged: number; rate: number };
  falsePositives: Array<{ id: string; title: string; topic: string; score: number; matched: string[] }>;
  falseNegatives: Array<{ id: string; title: string; topic: string }>;
}

/**
 * Runs the engine over labelled items and scores it per topic. Topics are the engine's; labels
 * naming other topics count as misses of nothing (they are reported as unknown by the caller).
 */
export function evaluateLabelled(engine: TopicEngine, items: readonly LabelledItem[]): EvaluationReport {
  const topics = engine.topicIds();
  const counts = new Map(topics.map((t) => [t, { tp: 0, fp: 0, fn: 0, support: 0 }]));
  const falsePositives: EvaluationReport['falsePositives'] = [];
  const falseNegatives: EvaluationReport['falseNegatives'] = [];
  let unlabelled = 0;
  let flagged = 0;
  for (const item of items) {
    const matches = engine.classify(item);
    const predicted = new Map(matches.map((m) => [m.topic, m]));
    const labels = new Set(item.labels);
    if (labels.size === 0) {
      unlabelled += 1;
      if (matches.length > 0) flagged += 1;
    }
    for (const topic of topics) {
      const c = counts.get(topic) as { tp: number; fp: number; fn: number; support: number };
      const match = predicted.get(topic);
      if (labels.has(topic)) c.support += 1;
      if (labels.has(topic) && match) c.tp += 1;
      else if (match) {
        c.fp += 1;
        falsePositives.push({
          id: item.id,
          title: item.title,
          topic,
          score: match.score,
          matched: [...new Set(match.matched.map((m) => m.phrase))],
        });
      } else if (labels.has(topic)) {
        c.fn += 1;
        falseNegatives.push({ id: item.id, title: item.title, topic });
      }
    }
  }
  const scores = topics.map((topic) => {
    const c = counts.get(topic) as { tp: number; fp: number; fn: number; support: number };
    return score(topic, c.tp, c.fp, c.fn, c.support);
  });
  const sum = (key: 'truePositives' | 'falsePositives' | 'falseNegatives' | 'support') => scores.reduce((n, s) => n + s[key], 0);
  return {
    items: items.length,
    topics: scores,
    micro: score('micro', sum('truePositives'), sum('falsePositives'), sum('falseNegatives'), sum('support')),
    unlabelledFlagged: { items: unlabelled, flagged, rate: unlabelled === 0 ? 0 : flagged / unlabelled },
    falsePositives,
    falseNegatives,
  };
}

function score(topic: string, tp: number, fp: number, fn: number, support: number): TopicScores {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { topic, support, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}

/**
 * The report as a plain-text table, then (with `errors`) the false positives and negatives,
 * each with its id and title.
 */
export function formatEvaluationReport(report: EvaluationReport, options: { errors?: boolean } = {}): string {
  const pct = (n: number) => n.toFixed(3);
  const lines = [
    `${report.items} items`,
    'topic          support    TP    FP    FN  precision  recall     F1',
    ...[...report.topics, report.micro].map(
      (s) =>
        `${s.topic.padEnd(14)} ${String(s.support).padStart(7)} ${String(s.truePositives).padStart(5)} ${String(s.falsePositives).padStart(5)} ${String(s.falseNegatives).padStart(5)}  ${pct(s.precision).padStart(9)} ${pct(s.recall).padStart(7)} ${pct(s.f1).padStart(6)}`,
    ),
    `items labelled with no topic that got one: ${report.unlabelledFlagged.flagged}/${report.unlabelledFlagged.items} (${(report.unlabelledFlagged.rate * 100).toFixed(1)} %)`,
  ];
  if (options.errors) {
    lines.push('', `false positives (${report.falsePositives.length}):`);
    for (const fp of report.falsePositives) lines.push(`  ${fp.id}  ${fp.topic}  ${fp.score}  ${fp.title}  [${fp.matched.join(', ')}]`);
    lines.push('', `false negatives (${report.falseNegatives.length}):`);
    for (const fn of report.falseNegatives) lines.push(`  ${fn.id}  ${fn.topic}  ${fn.title}`);
  }
  return `${lines.join('\n')}\n`;
}
