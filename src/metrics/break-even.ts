// The break-even point: the operating point where recall on anomalies meets
// the detection ratio (specificity) on normal samples. Recall rises and the
// detection ratio falls as the threshold drops, so they cross once; we report
// the table row where they are closest.
import type { Labels, Scores } from './types.js';
import { thresholdTable } from './threshold-table.js';
import { requireBothClasses } from './score-groups.js';

export interface BreakEven {
  /** Flag scores > threshold to operate here. */
  threshold: number;
  recall: number;
  detectionRatio: number;
  /** Mean of recall and detection ratio at this point. */
  value: number;
}

export function breakEvenPoint(scores: Scores, labels: Labels): BreakEven {
  const t = thresholdTable(scores, labels);
  requireBothClasses('the break-even point', t.tp[0] + t.fn[0], t.fp[0] + t.tn[0]);
  let best = 0;
  let bestGap = Infinity;
  for (let k = 0; k < t.threshold.length; k++) {
    const gap = Math.abs(t.recall[k] - t.detectionRatio[k]);
    if (gap < bestGap) {
      bestGap = gap;
      best = k;
    }
  }
  const recall = t.recall[best];
  const detectionRatio = t.detectionRatio[best];
  return {
    threshold: t.threshold[best],
    recall,
    detectionRatio,
    value: (recall + detectionRatio) / 2,
  };
}
