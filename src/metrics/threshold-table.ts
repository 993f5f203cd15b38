// The per-threshold table: every distinct operating point of a detector on a
// labelled set. Row k is the state "flag scores > threshold[k]" (the rule of
// applyThreshold), so any row's threshold reproduces that row's counts.
// Row 0 (threshold = top score) flags nothing, the last row (threshold =
// -Infinity) flags everything; in between one row per distinct score.
import type { Labels, Scores } from './types.js';
import { scoreGroups } from './score-groups.js';

export interface ThresholdTable {
  threshold: Float64Array;
  tp: Float64Array;
  fp: Float64Array;
  tn: Float64Array;
  fn: Float64Array;
  precision: Float64Array;
  recall: Float64Array;
  /** Specificity: fraction of normal samples not flagged. */
  detectionRatio: Float64Array;
  f1: Float64Array;
}

export function thresholdTable(scores: Scores, labels: Labels): ThresholdTable {
  const g = scoreGroups('thresholdTable', scores, labels);
  const G = g.scores.length;
  const P = g.totalPositives;
  const N = g.totalNegatives;
  const rows = G + 1;
  const t: ThresholdTable = {
    threshold: new Float64Array(rows),
    tp: new Float64Array(rows),
    fp: new Float64Array(rows),
    tn: new Float64Array(rows),
    fn: new Float64Array(rows),
    precision: new Float64Array(rows),
    recall: new Float64Array(rows),
    detectionRatio: new Float64Array(rows),
    f1: new Float64Array(rows),
  };
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < rows; k++) {
    t.threshold[k] = k < G ? g.scores[k] : -Infinity;
    t.tp[k] = tp;
    t.fp[k] = fp;
    t.tn[k] = N - fp;
    t.fn[k] = P - tp;
    // Zero denominators give 0, as in classification.ts.
    t.precision[k] = tp + fp === 0 ? 0 : tp / (tp + fp);
    t.recall[k] = P === 0 ? 0 : tp / P;
    t.detectionRatio[k] = N === 0 ? 0 : (N - fp) / N;
    t.f1[k] = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + (P - tp));
    if (k < G) {
      tp += g.positives[k];
      fp += g.negatives[k];
    }
  }
  return t;
}
