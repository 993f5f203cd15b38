// Conformal p-values of scores against normal scores: p(s) = (1 + #{normal
// scores >= s}) / (n + 1), the chance that a normal sample scores at least s.
// Small p = unusual. Valid (P(p <= a) <= a for a new normal sample) when the
// normal scores come from data the model did not train on.
import type { Scores } from '../metrics/types.js';
import { countBelow, sortedAscending } from '../metrics/sorted.js';
import type { PValueThreshold } from './types.js';

export function pValues(scores: Scores, normalScores: Scores): Float64Array {
  const sorted = sortedAscending(normalScores, 'pValues');
  const n = sorted.length;
  if (n === 0) throw new Error('pValues: no normal scores');
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) throw new Error(`pValues: score ${i} is NaN`);
    out[i] = (1 + n - countBelow(sorted, s)) / (n + 1);
  }
  return out;
}

/**
 * The score threshold equivalent to "p-value <= alpha": applyThreshold with it
 * flags exactly the scores whose p-value is <= alpha. With k = floor(alpha *
 * (n + 1)) - 1, p(s) <= alpha iff at most k normal scores are >= s iff
 * s > v(n - k). Refuses alpha below 1/(n + 1), the smallest p-value possible.
 */
export function thresholdAtPValue(normalScores: Scores, alpha: number): PValueThreshold {
  const sorted = sortedAscending(normalScores, 'thresholdAtPValue');
  const n = sorted.length;
  if (n === 0) throw new Error('thresholdAtPValue: no normal scores');
  if (!(alpha >= 0 && alpha <= 1))
    throw new Error(`thresholdAtPValue: alpha must be in [0, 1], got ${alpha}`);
  const k = Math.floor(alpha * (n + 1) + 1e-9) - 1;
  if (k < 0) {
    throw new Error(
      `thresholdAtPValue: alpha ${alpha} is below 1/${n + 1}; ` +
        `with ${n} normal scores the smallest p-value is ${1 / (n + 1)}`,
    );
  }
  // k >= n (alpha = 1): every score has p <= alpha; the lowest finite value flags all.
  const value = k >= n ? -Number.MAX_VALUE : sorted[n - k - 1];
  return { kind: 'p-value', value, alpha, normalCount: n };
}
