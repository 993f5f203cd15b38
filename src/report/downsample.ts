// Downsampling long series for plotting. Min/max bucketing keeps, in every
// bucket, the sample with the lowest and the one with the highest value, so a
// single-sample spike survives any reduction; first and last samples are kept.

/** Most points a builder plots per series unless told otherwise. */
export const DEFAULT_MAX_POINTS = 5000;

/**
 * Indices (ascending, distinct) of the samples to plot: all of them when
 * there are at most `maxPoints`, else at most `maxPoints` chosen by min/max
 * bucketing. Non-finite values are never chosen.
 */
export function minMaxBucketIndices(
  values: ArrayLike<number>,
  maxPoints: number = DEFAULT_MAX_POINTS,
): Uint32Array {
  if (!Number.isInteger(maxPoints) || maxPoints < 4) {
    throw new Error(`minMaxBucketIndices: maxPoints must be an integer >= 4, got ${maxPoints}`);
  }
  const n = values.length;
  const out: number[] = [];
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) out.push(i);
    return Uint32Array.from(out);
  }
  // Two points per bucket, plus the first and last sample.
  const buckets = Math.floor((maxPoints - 2) / 2);
  const pushFinite = (i: number): void => {
    if (Number.isFinite(values[i]) && out[out.length - 1] !== i) out.push(i);
  };
  pushFinite(0);
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor(((n - 2) * b) / buckets);
    const hi = 1 + Math.floor(((n - 2) * (b + 1)) / buckets);
    let iMin = -1;
    let iMax = -1;
    for (let i = lo; i < hi; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < values[iMin]) iMin = i;
      if (iMax < 0 || v > values[iMax]) iMax = i;
    }
    if (iMin < 0) continue;
    if (iMin <= iMax) {
      pushFinite(iMin);
      pushFinite(iMax);
    } else {
      pushFinite(iMax);
      pushFinite(iMin);
    }
  }
  pushFinite(n - 1);
  return Uint32Array.from(out);
}

/** Indices of `maxPoints` or fewer samples of a scatter, every `stride`-th one. */
export function strideIndices(n: number, maxPoints: number = DEFAULT_MAX_POINTS): Uint32Array {
  if (n <= maxPoints) return Uint32Array.from({ length: n }, (_, i) => i);
  const out = new Uint32Array(maxPoints);
  for (let k = 0; k < maxPoints; k++) out[k] = Math.floor((k * n) / maxPoints);
  return out;
}
