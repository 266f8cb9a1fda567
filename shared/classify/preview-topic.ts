import { evaluateLabelled, type EvaluationReport, type TopicScores } from './evaluate.ts';
import { createTopicEngine } from './topic-engine.ts';
import { parseTopicDefinition, type TopicDefinitionInput } from './topic-schema.ts';
import type { MatchedPhrase } from './types.ts';

/** An item to preview a topic on; `labels`, when present, say which topics a person gave it. */
export interface PreviewItem {
  id: string;
  title: string;
  summary?: string;
  labels?: string[];
}

/** How a topic fares on a set of items, before it is saved. */
export interface TopicPreview {
  topic: { id: string; label: string; threshold: number };
  /** Items read. */
  items: number;
  /** Items the topic passes, best score first, each with its explanation. */
  matches: Array<{ id: string; title: string; score: number; matched: MatchedPhrase[] }>;
  /**
   * Items where a rule of the topic matched but the topic did not pass (score under the
   * threshold, or an exclusion vetoed it): what to look at when tuning a threshold or a rule.
   */
  nearMisses: Array<{ id: string; title: string; score: number; rules: string[]; vetoedBy?: string }>;
  /**
   * Precision, recall and F1 of the topic over the items that carry `labels` (an item is a
   * positive when its labels name the topic's id); absent when no item has labels.
   */
  evaluation?: {
    labelled: number;
    scores: TopicScores;
    falsePositives: EvaluationReport['falsePositives'];
    falseNegatives: EvaluationReport['falseNegatives'];
  };
}

/**
 * Runs one topic, alone, over items and reports which pass with their score and matched
 * phrases, the near misses, and (for labelled items) precision / recall / F1. Validates the
 * topic first: a malformed one throws `TopicDefinitionError` naming the field.
 */
export function previewTopic(topic: TopicDefinitionInput, items: readonly PreviewItem[]): TopicPreview {
  const definition = parseTopicDefinition(topic);
  const engine = createTopicEngine([definition]);
  const preview: TopicPreview = {
    topic: { id: definition.id, label: definition.label, threshold: definition.threshold },
    items: items.length,
    matches: [],
    nearMisses: [],
  };
  for (const item of items) {
    const evaluation = engine.evaluate(item)[0];
    if (evaluation === undefined) continue;
    if (evaluation.passed) {
      const match = engine.classify(item)[0];
      preview.matches.push({ id: item.id, title: item.title, score: evaluation.score, matched: match?.matched ?? [] });
    } else {
      const miss: TopicPreview['nearMisses'][number] = {
        id: item.id,
        title: item.title,
        score: evaluation.score,
        rules: evaluation.rules.map((r) => r.rule),
      };
      if (evaluation.vetoedBy !== undefined) miss.vetoedBy = evaluation.vetoedBy.text;
      preview.nearMisses.push(miss);
    }
  }
  preview.matches.sort((a, b) => b.score - a.score);
  preview.nearMisses.sort((a, b) => b.score - a.score);

  const labelled = items.filter((item) => item.labels !== undefined);
  if (labelled.length > 0) {
    const report = evaluateLabelled(
      engine,
      labelled.map((item) => ({ ...item, labels: item.labels ?? [] })),
    );
    preview.evaluation = {
      labelled: labelled.length,
      scores: report.topics[0] as TopicScores,
      falsePositives: report.falsePositives,
      falseNegatives: report.falseNegatives,
    };
  }
  return preview;
}
