// Point-adjusted F1, kept only as a diagnostic: once any point of a labelled
// range is flagged, the whole range counts as detected. This inflates scores so
// much that random scores look excellent on long ranges (see the SMAP/MSL
// notes in the datasets README), so never report it as a detector's quality.
import type { Labels } from './types.js';
import { maskToRanges } from './ranges.js';
import { checkSameLength } from './validate.js';
import { confusionMatrix, type Confusion } from './confusion.js';
import { f1, precision, recall } from './classification.js';

export interface PointAdjustedDiagnostic {
  /** Always true: a reminder that this number is not a fair score. */
  diagnostic: true;
  confusion: Confusion;
  precision: number;
  recall: number;
  f1: number;
}

export function pointAdjustedF1Diagnostic(
  predicted: Labels,
  labels: Labels,
): PointAdjustedDiagnostic {
  checkSameLength('pointAdjustedF1Diagnostic', predicted, labels);
  const adjusted = Uint8Array.from(predicted, (v) => (v !== 0 ? 1 : 0));
  for (const r of maskToRanges(labels)) {
    let any = false;
    for (let i = r.start; i <= r.end && !any; i++) any = predicted[i] !== 0;
    if (any) adjusted.fill(1, r.start, r.end + 1);
  }
  const c = confusionMatrix(adjusted, labels);
  return { diagnostic: true, confusion: c, precision: precision(c), recall: recall(c), f1: f1(c) };
}
