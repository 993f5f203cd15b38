// Sorted copies of scores as Float64Array (radix-sorted, see radix-sort.ts),
// far faster than sorting indices or objects, and helpers on sorted arrays.
import type { Scores } from './types.js';
import { sortFloat64 } from './radix-sort.js';

/** A sorted (ascending) Float64Array copy of `scores`; throws on NaN. */
export function sortedAscending(scores: Scores, what = 'scores'): Float64Array {
  const out = Float64Array.from(scores);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) throw new Error(`${what}: score ${i} is NaN`);
  }
  return sortFloat64(out);
}

/** Number of entries of ascending `sorted` that are <= x (binary search). */
export function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of entries of ascending `sorted` that are < x (binary search). */
export function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Quantile q in [0, 1] of ascending `sorted`, interpolating linearly between
 * order statistics (the common "type 7" definition, numpy's default).
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantile of an empty set of scores');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile must be in [0, 1], got ${q}`);
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}
