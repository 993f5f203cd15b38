// The empirical CDF of scores: F(x) = fraction of scores <= x.
import type { Scores } from './types.js';
import { countAtMost, sortedAscending } from './sorted.js';

export interface EmpiricalCdf {
  /** Distinct scores, ascending. */
  values: Float64Array;
  /** cdf[k] = fraction of scores <= values[k]. */
  cdf: Float64Array;
  /** F(x) for any x. */
  at(x: number): number;
}

export function empiricalCdf(scores: Scores): EmpiricalCdf {
  const sorted = sortedAscending(scores, 'empiricalCdf');
  const n = sorted.length;
  if (n === 0) throw new Error('empiricalCdf: no scores');
  const values = new Float64Array(n);
  const cdf = new Float64Array(n);
  let g = 0;
  for (let i = 0; i < n; i++) {
    // The last copy of each value carries its cumulative count.
    if (i + 1 < n && sorted[i + 1] === sorted[i]) continue;
    values[g] = sorted[i];
    cdf[g] = (i + 1) / n;
    g++;
  }
  return {
    values: values.slice(0, g),
    cdf: cdf.slice(0, g),
    at: (x: number) => countAtMost(sorted, x) / n,
  };
}
