/**
 * Pairwise precision and recall of a clustering against labels: every pair of items put in one
 * story is a true positive when their labels agree, a false positive otherwise; every pair with
 * one label that was kept apart is a false negative. The measure the figures use.
 */
export interface PairwiseScores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export function pairwiseScores(entries: { predicted: string; label: string }[]): PairwiseScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const a = entries[i]!;
      const b = entries[j]!;
      const together = a.predicted === b.predicted;
      const same = a.label === b.label;
      if (together && same) tp += 1;
      else if (together) fp += 1;
      else if (same) fn += 1;
    }
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}
