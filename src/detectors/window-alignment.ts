// Mapping window-level results back to time steps, shared by the window detectors
// (forecaster, autoencoder and baselines).

/** Spreads rows of `width` values at the downsampled rate back to one row per input step. */
export function upsampleRows(
  values: Float32Array,
  width: number,
  length: number,
  ratio: number,
): Float32Array {
  if (ratio === 1) return values;
  const out = new Float32Array(length * width);
  const steps = values.length / width;
  for (let t = 0; t < length; t++) {
    const s = Math.min(Math.floor(t / ratio), steps - 1);
    for (let q = 0; q < width; q++) out[t * width + q] = values[s * width + q]!;
  }
  return out;
}

/**
 * Per-step means of per-window rows: window `s` (0-based start, stride 1) covers steps
 * s..s+window-1, and step t gets the mean of the rows of all windows covering it.
 * `windowValues` is [windows, width]; the result is [windows + window - 1, width].
 */
export function spreadWindows(
  windowValues: Float32Array,
  width: number,
  window: number,
): Float32Array {
  const count = windowValues.length / width;
  const steps = count === 0 ? 0 : count + window - 1;
  const out = new Float32Array(steps * width);
  const sums = new Float64Array(width);
  for (let t = 0; t < steps; t++) {
    // Window t enters, window t - window leaves.
    if (t < count) for (let q = 0; q < width; q++) sums[q]! += windowValues[t * width + q]!;
    const gone = t - window;
    if (gone >= 0) for (let q = 0; q < width; q++) sums[q]! -= windowValues[gone * width + q]!;
    const first = Math.max(0, t - window + 1);
    const last = Math.min(t, count - 1);
    const n = last - first + 1;
    for (let q = 0; q < width; q++) out[t * width + q] = Math.max(0, sums[q]! / n);
  }
  return out;
}

/** Sums each row of a [rows, width] block. */
export function rowSums(values: Float32Array, width: number): Float32Array {
  const rows = values.length / width;
  const out = new Float32Array(rows);
  for (let t = 0; t < rows; t++) {
    let s = 0;
    for (let q = 0; q < width; q++) s += values[t * width + q]!;
    out[t] = s;
  }
  return out;
}

/**
 * How a window's result reaches the steps it covers (window s covers s..s+window-1):
 *   mean:   step t gets the mean of the rows of all windows covering it (smooth, but a
 *           short anomaly is diluted over 2 windows - 1 steps);
 *   max:    step t gets the whole row of the covering window with the largest row sum,
 *           so a step is as anomalous as the worst window it belongs to;
 *   centre: step t gets the row of the window centred on it (the first and last half
 *           windows take the nearest window), so nothing is shifted by half a window.
 * Rows keep their per-channel split, so a step's row still sums to its score.
 */
export type WindowAlignment = 'mean' | 'max' | 'centre';

export const WINDOW_ALIGNMENTS: readonly WindowAlignment[] = ['mean', 'max', 'centre'];

/** Per-step rows [windows + window - 1, width] from per-window rows [windows, width]. */
export function alignWindows(
  windowValues: Float32Array,
  width: number,
  window: number,
  alignment: WindowAlignment,
): Float32Array {
  if (alignment === 'mean') return spreadWindows(windowValues, width, window);
  const count = windowValues.length / width;
  const steps = count === 0 ? 0 : count + window - 1;
  const out = new Float32Array(steps * width);
  const copyRow = (t: number, s: number) =>
    out.set(windowValues.subarray(s * width, (s + 1) * width), t * width);
  if (alignment === 'centre') {
    const half = Math.floor((window - 1) / 2);
    for (let t = 0; t < steps; t++) copyRow(t, Math.min(count - 1, Math.max(0, t - half)));
    return out;
  }
  // Sliding maximum of the row sums over windows t-window+1..t (a monotone deque).
  const totals = width === 1 ? windowValues : rowSums(windowValues, width);
  const deque = new Int32Array(count);
  let head = 0;
  let tail = 0;
  for (let t = 0; t < steps; t++) {
    if (t < count) {
      while (tail > head && totals[deque[tail - 1]!]! <= totals[t]!) tail--;
      deque[tail++] = t;
    }
    while (deque[head]! < t - window + 1) head++;
    copyRow(t, deque[head]!);
  }
  return out;
}
