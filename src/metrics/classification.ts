// Ratios derived from a confusion matrix. A ratio whose denominator is zero is
// reported as 0 (nothing to be right about counts as not right), like
// scikit-learn's zero_division=0, so that sweeps never see NaN.
import type { Confusion } from './confusion.js';

export function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

export function accuracy(c: Confusion): number {
  return ratio(c.tp + c.tn, c.tp + c.fp + c.tn + c.fn);
}

/** Fraction of flagged samples that are anomalous. */
export function precision(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fp);
}

/** Fraction of anomalous samples that are flagged (true-positive rate). */
export function recall(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fn);
}

/** Fraction of normal samples left unflagged: the "detection ratio" of normals. */
export function specificity(c: Confusion): number {
  return ratio(c.tn, c.tn + c.fp);
}

/** Fraction of normal samples flagged. */
export function falsePositiveRate(c: Confusion): number {
  return ratio(c.fp, c.fp + c.tn);
}

/** F-beta: beta > 1 weighs recall more, beta < 1 precision more. */
export function fBeta(c: Confusion, beta: number): number {
  if (!(beta > 0)) throw new Error(`fBeta: beta must be > 0, got ${beta}`);
  const b2 = beta * beta;
  // Written with counts, not via precision and recall, so that it is 0 (not NaN)
  // exactly when there is no true positive.
  return ratio((1 + b2) * c.tp, (1 + b2) * c.tp + b2 * c.fn + c.fp);
}

export function f1(c: Confusion): number {
  return fBeta(c, 1);
}
