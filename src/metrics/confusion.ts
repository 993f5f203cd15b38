// The confusion matrix of binary predictions against binary labels.
import type { Labels } from './types.js';
import { checkSameLength } from './validate.js';

/** Counts of a binary decision; the positive class is "anomalous". */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusionMatrix(predicted: Labels, labels: Labels): Confusion {
  checkSameLength('confusionMatrix', predicted, labels);
  let tp = 0;
  let fp = 0;
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] !== 0;
    if (y) pos++;
    if (predicted[i] !== 0) {
      if (y) tp++;
      else fp++;
    }
  }
  const n = labels.length;
  return { tp, fp, fn: pos - tp, tn: n - pos - fp };
}
