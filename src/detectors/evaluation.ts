// One evaluation of scores against labels at a threshold that came from
// normal data: threshold-free areas (ROC, PR, VUS), point metrics at the
// threshold, event-level counts, and the point-adjusted F1 as a labelled
// diagnostic only.
import { rocAuc } from '../metrics/roc.js';
import { averagePrecision, prAucTrapezoid } from '../metrics/pr.js';
import { vus } from '../metrics/vus.js';
import { confusionMatrix } from '../metrics/confusion.js';
import {
  precision,
  recall,
  f1,
  falsePositiveRate,
  accuracy,
  specificity,
} from '../metrics/classification.js';
import { eventCounts } from '../metrics/event-level.js';
import { pointAdjustedF1Diagnostic } from '../metrics/point-adjusted.js';
import { applyThreshold } from '../thresholds/apply.js';
import type { Threshold } from '../thresholds/types.js';

export interface Evaluation {
  auc_roc: number;
  auc_pr: number;
  auc_pr_trapezoid: number;
  vus_roc: number;
  vus_pr: number;
  threshold: number;
  threshold_kind: string;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  detection_ratio: number;
  fpr: number;
  events: { tp: number; fp: number; fn: number; precision: number; recall: number; f1: number };
  diagnostic_point_adjusted_f1: number;
  steps: number;
  anomalous_steps: number;
}

export function evaluateScores(
  scores: Float32Array,
  labels: Uint8Array,
  threshold: Threshold,
  vusBuffer = 100,
): Evaluation {
  if (scores.length !== labels.length) {
    throw new Error(
      `scores (${scores.length} steps) and labels (${labels.length} steps) differ in length`,
    );
  }
  const predicted = applyThreshold(scores, threshold);
  const c = confusionMatrix(predicted, labels);
  const v = vus(scores, labels, { maxBuffer: vusBuffer });
  const ev = eventCounts(predicted, labels);
  let anomalous = 0;
  for (const l of labels) anomalous += l ? 1 : 0;
  return {
    auc_roc: rocAuc(scores, labels),
    auc_pr: averagePrecision(scores, labels),
    auc_pr_trapezoid: prAucTrapezoid(scores, labels),
    vus_roc: v.vusRoc,
    vus_pr: v.vusPr,
    threshold: threshold.value,
    threshold_kind: threshold.kind,
    precision: precision(c),
    recall: recall(c),
    f1: f1(c),
    accuracy: accuracy(c),
    detection_ratio: specificity(c),
    fpr: falsePositiveRate(c),
    events: {
      tp: ev.tp,
      fp: ev.fp,
      fn: ev.fn,
      precision: ev.precision,
      recall: ev.recall,
      f1: ev.f1,
    },
    diagnostic_point_adjusted_f1: pointAdjustedF1Diagnostic(predicted, labels).f1,
    steps: scores.length,
    anomalous_steps: anomalous,
  };
}
