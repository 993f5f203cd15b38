// Macro-averaged metrics as AMSL (Zhang et al., TKDE 2022) reports them: each
// is the mean over the two classes, normal and abnormal, so a detector cannot
// score well by favouring the larger class.
import type { Confusion } from './confusion.js';
import { ratio } from './classification.js';

/** Mean of the abnormal-class precision TP/(TP+FP) and normal-class TN/(TN+FN). */
export function macroPrecision(c: Confusion): number {
  return (ratio(c.tp, c.tp + c.fp) + ratio(c.tn, c.tn + c.fn)) / 2;
}

/** Mean of the abnormal-class recall TP/(TP+FN) and normal-class TN/(TN+FP). */
export function macroRecall(c: Confusion): number {
  return (ratio(c.tp, c.tp + c.fn) + ratio(c.tn, c.tn + c.fp)) / 2;
}

/** AMSL's mF1: harmonic mean of macro precision and macro recall. */
export function macroF1(c: Confusion): number {
  const p = macroPrecision(c);
  const r = macroRecall(c);
  return ratio(2 * p * r, p + r);
}
