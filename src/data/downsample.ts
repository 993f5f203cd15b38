// Downsampling a series by an integer ratio, to shorten long, slowly varying signals
// before windowing.
import { createSeries, type Series } from './series.js';

export interface DownsampleOptions {
  /** `'mean'` (default): the mean of each block of `ratio` rows. `'pick'`: rows 0, r, 2r, ... */
  method?: 'mean' | 'pick';
  /**
   * What to do with a last block shorter than `ratio`: `'keep'` (default) averages (or
   * picks from) the rows it has, `'drop'` leaves it out.
   */
  partial?: 'keep' | 'drop';
}

/**
 * Shortens a series `ratio` times. Output row i stands for input rows
 * `[i * ratio, (i + 1) * ratio)` and carries the timestamp of the first of them.
 */
export function downsample(series: Series, ratio: number, options: DownsampleOptions = {}): Series {
  if (!Number.isInteger(ratio) || ratio < 1) {
    throw new RangeError(`downsample ratio must be a positive integer, got ${ratio}`);
  }
  const { data, length, channels } = series;
  const full = Math.floor(length / ratio);
  const outLength = (options.partial ?? 'keep') === 'keep' ? Math.ceil(length / ratio) : full;
  const out = new Float32Array(outLength * channels);
  const pick = (options.method ?? 'mean') === 'pick';
  const sums = new Float64Array(channels); // float64 so long blocks do not lose precision
  for (let i = 0; i < outLength; i++) {
    const first = i * ratio;
    if (pick) {
      out.set(data.subarray(first * channels, (first + 1) * channels), i * channels);
      continue;
    }
    const last = Math.min(first + ratio, length);
    sums.fill(0);
    for (let t = first; t < last; t++) {
      for (let c = 0; c < channels; c++) sums[c]! += data[t * channels + c]!;
    }
    for (let c = 0; c < channels; c++) out[i * channels + c] = sums[c]! / (last - first);
  }
  let timestamps: Float64Array | undefined;
  if (series.timestamps !== undefined) {
    timestamps = new Float64Array(outLength);
    for (let i = 0; i < outLength; i++) timestamps[i] = series.timestamps[i * ratio]!;
  }
  return createSeries({
    data: out,
    channels,
    length: outLength,
    ...(timestamps && { timestamps }),
    ...(series.names && { names: series.names }),
  });
}
