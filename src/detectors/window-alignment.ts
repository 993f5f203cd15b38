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
