// Precision-recall: the curve, average precision (scikit-learn's definition:
// precision at each distinct threshold weighted by the recall it adds, no
// interpolation) and the trapezoid area under the curve started at (0, 1).
import type { Labels, Scores } from './types.js';
import { forEachScoreGroup, splitByLabel } from './score-groups.js';
import { thresholdTable } from './threshold-table.js';

function requirePositives(what: string, p: number): void {
  if (p === 0) throw new Error(`${what} is undefined: the labels hold no anomalous sample`);
}

export function averagePrecision(scores: Scores, labels: Labels): number {
  const split = splitByLabel('averagePrecision', scores, labels);
  const P = split.pos.length;
  requirePositives('average precision', P);
  let tp = 0;
  let fp = 0;
  let ap = 0;
  forEachScoreGroup(split, (_t, dp, dn) => {
    tp += dp;
    fp += dn;
    if (dp > 0) ap += (dp / P) * (tp / (tp + fp));
  });
  return ap;
}

/** Trapezoid area under the PR curve, starting at recall 0, precision 1. */
export function prAucTrapezoid(scores: Scores, labels: Labels): number {
  const split = splitByLabel('prAucTrapezoid', scores, labels);
  const P = split.pos.length;
  requirePositives('PR AUC', P);
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let prevPrecision = 1;
  let area = 0;
  forEachScoreGroup(split, (_t, dp, dn) => {
    tp += dp;
    fp += dn;
    const r = tp / P;
    const p = tp / (tp + fp);
    area += ((r - prevRecall) * (p + prevPrecision)) / 2;
    prevRecall = r;
    prevPrecision = p;
  });
  return area;
}

/** PR curve: point k is the state "flag scores > thresholds[k]". */
export interface PrCurve {
  thresholds: Float64Array;
  recall: Float64Array;
  precision: Float64Array;
}

/**
 * The PR curve, one point per state of the threshold table. The first point
 * (nothing flagged) has precision 1 by convention, as in scikit-learn.
 */
export function prCurve(scores: Scores, labels: Labels): PrCurve {
  const t = thresholdTable(scores, labels);
  requirePositives('the PR curve', t.tp[0] + t.fn[0]);
  const k0 = t.threshold.length;
  const precision = new Float64Array(k0);
  for (let k = 0; k < k0; k++) {
    const flagged = t.tp[k] + t.fp[k];
    precision[k] = flagged === 0 ? 1 : t.tp[k] / flagged;
  }
  return { thresholds: t.threshold, recall: t.recall, precision };
}
