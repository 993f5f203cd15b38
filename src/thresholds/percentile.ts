// A threshold at a percentile of training scores (e.g. AMSL's 98th), with
// linear interpolation between order statistics (numpy's default).
import type { Scores } from '../metrics/types.js';
import { quantileSorted, sortedAscending } from '../metrics/sorted.js';
import type { PercentileThreshold } from './types.js';

export function thresholdAtPercentile(
  trainScores: Scores,
  percentile: number,
): PercentileThreshold {
  if (trainScores.length === 0) throw new Error('thresholdAtPercentile: no training scores');
  if (!(percentile >= 0 && percentile <= 100)) {
    throw new Error(`thresholdAtPercentile: percentile must be in [0, 100], got ${percentile}`);
  }
  const sorted = sortedAscending(trainScores, 'thresholdAtPercentile');
  return {
    kind: 'percentile',
    value: quantileSorted(sorted, percentile / 100),
    percentile,
    trainCount: sorted.length,
  };
}
