// A sweep of thresholds over a set of scores: `count` values spaced evenly from
// the lowest to the highest score, or at evenly spaced quantiles (which follow
// the scores' density, so crowded regions get more thresholds).
import type { Scores } from '../metrics/types.js';
import { quantileSorted, sortedAscending } from '../metrics/sorted.js';
import type { SweepThreshold } from './types.js';

export function sweepThresholds(
  scores: Scores,
  count: number,
  spacing: 'even' | 'quantile' = 'even',
): SweepThreshold[] {
  if (!Number.isInteger(count) || count < 2) {
    throw new Error(`sweepThresholds: count must be an integer >= 2, got ${count}`);
  }
  if (scores.length === 0) throw new Error('sweepThresholds: no scores');
  const sorted = sortedAscending(scores, 'sweepThresholds');
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new Error('sweepThresholds: scores must be finite');
  }
  const out: SweepThreshold[] = [];
  for (let i = 0; i < count; i++) {
    const f = i / (count - 1);
    const value = spacing === 'even' ? lo + f * (hi - lo) : quantileSorted(sorted, f);
    out.push({ kind: 'sweep', value, spacing, index: i, count });
  }
  return out;
}
