// ROC AUC and the ROC curve. The AUC is the Mann-Whitney statistic: the chance
// that a random anomalous sample scores above a random normal one, ties
// counting one half; it equals the trapezoid area under the ROC curve.
import type { Labels, Scores } from './types.js';
import { forEachScoreGroup, requireBothClasses, splitByLabel } from './score-groups.js';
import { thresholdTable } from './threshold-table.js';

export function rocAuc(scores: Scores, labels: Labels): number {
  const split = splitByLabel('rocAuc', scores, labels);
  const P = split.pos.length;
  const N = split.neg.length;
  requireBothClasses('ROC AUC', P, N);
  // Walking down the distinct scores, every negative not yet passed is below
  // the current group; negatives in the group tie and count one half.
  let negAbove = 0;
  let u = 0;
  forEachScoreGroup(split, (_t, dp, dn) => {
    u += dp * (N - negAbove - dn + 0.5 * dn);
    negAbove += dn;
  });
  return u / P / N;
}

/** ROC curve: point k is the state "flag scores > thresholds[k]". */
export interface RocCurve {
  thresholds: Float64Array;
  fpr: Float64Array;
  tpr: Float64Array;
}

/**
 * The ROC curve from (0, 0) (nothing flagged; threshold = the top score) to
 * (1, 1) (everything flagged; threshold = -Infinity), one point per distinct
 * score, with the same "score > threshold" rule as applyThreshold.
 */
export function rocCurve(scores: Scores, labels: Labels): RocCurve {
  const t = thresholdTable(scores, labels);
  const P = t.tp[0] + t.fn[0];
  const N = t.fp[0] + t.tn[0];
  requireBothClasses('the ROC curve', P, N);
  const fpr = new Float64Array(t.threshold.length);
  const tpr = new Float64Array(t.threshold.length);
  for (let k = 0; k < fpr.length; k++) {
    fpr[k] = t.fp[k] / N;
    tpr[k] = t.tp[k] / P;
  }
  return { thresholds: t.threshold, fpr, tpr };
}
