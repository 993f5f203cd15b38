// The dominant period of a series from its autocorrelation (computed with an FFT):
// the lag, within [minLag, maxLag], of the highest local maximum of the autocorrelation.
// Window detectors use it to pick a window length of about one period.
import { Fft } from './fft.js';

export interface PeriodOptions {
  minLag?: number;
  maxLag?: number;
  /** At most this many leading values are used (the FFT grows with it). */
  maxValues?: number;
  /** A peak below this autocorrelation is no period. */
  minCorrelation?: number;
}

/** Autocorrelation r[0..maxLag] of the values (r[0] = 1; all 0 for a constant series). */
export function autocorrelation(values: ArrayLike<number>, maxLag: number): Float64Array {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= Math.max(1, n);
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = values[i]! - mean;
  const f = new Fft(size);
  f.transform(re, im);
  // Power spectrum, then its inverse (the FFT of a real, even sequence is real).
  for (let k = 0; k < size; k++) {
    re[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    im[k] = 0;
  }
  f.transform(re, im);
  const lags = Math.min(maxLag, n - 1);
  const out = new Float64Array(Math.max(0, lags) + 1);
  const zero = re[0]!;
  if (zero <= 0) return out;
  for (let k = 0; k <= lags; k++) out[k] = re[k]! / zero;
  return out;
}

/** The dominant period in steps, or undefined when the series shows none. */
export function dominantPeriod(
  values: ArrayLike<number>,
  options: PeriodOptions = {},
): number | undefined {
  const minLag = Math.max(2, options.minLag ?? 4);
  const used = Math.min(values.length, options.maxValues ?? 20_000);
  const maxLag = Math.min(options.maxLag ?? 1000, Math.floor(used / 3));
  if (maxLag <= minLag) return undefined;
  const head = Array.prototype.slice.call(values, 0, used) as number[];
  const r = autocorrelation(head, maxLag + 1);
  let best: number | undefined;
  for (let k = minLag; k <= maxLag && k + 1 < r.length; k++) {
    if (r[k]! > r[k - 1]! && r[k]! >= r[k + 1]! && (best === undefined || r[k]! > r[best]!))
      best = k;
  }
  if (best === undefined || r[best]! < (options.minCorrelation ?? 0.2)) return undefined;
  return best;
}
