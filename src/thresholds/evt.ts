// Extreme-value threshold, peaks over threshold (POT) as in SPOT (Siffer et al.,
// KDD 2017): above an initial level t (a high empirical quantile of the held-out
// normal scores) the excesses X - t follow a generalised Pareto distribution
// GPD(shape g, scale s); its fitted tail gives the score exceeded with
// probability q even when q * n is far below one score:
//   z_q = t + s / g * ((q * n / N_t)^(-g) - 1)   (t - s * log(q * n / N_t) when g = 0).
// The GPD is fitted by maximum likelihood through the one-parameter profile in
// theta = g / s (Grimshaw 1993): for fixed theta the best g is mean(log(1 +
// theta * y)), leaving a 1-D search done here on a grid then by golden section.
import type { Scores } from '../metrics/types.js';
import { quantileSorted, sortedAscending } from '../metrics/sorted.js';
import type { EvtThreshold } from './types.js';

export interface GpdFit {
  shape: number;
  scale: number;
  logLikelihood: number;
}

/** Log-likelihood of excesses under the profile at theta (theta = 0: exponential). */
function profile(excesses: Float64Array, theta: number): GpdFit | undefined {
  const n = excesses.length;
  if (Math.abs(theta) < 1e-12) {
    let mean = 0;
    for (const y of excesses) mean += y;
    mean /= n;
    if (!(mean > 0)) return undefined;
    return { shape: 0, scale: mean, logLikelihood: -n * Math.log(mean) - n };
  }
  let sumLog = 0;
  for (const y of excesses) {
    const v = 1 + theta * y;
    if (!(v > 0)) return undefined;
    sumLog += Math.log(v);
  }
  const shape = sumLog / n;
  const scale = shape / theta;
  // Shapes below -1 make the likelihood unbounded at the sample maximum; refused.
  if (!(scale > 0) || shape < -0.9) return undefined;
  return { shape, scale, logLikelihood: -n * Math.log(scale) - n * (1 + shape) };
}

/** Maximum-likelihood GPD fit of positive excesses. */
export function fitGpd(excesses: Float64Array): GpdFit {
  if (excesses.length < 2) throw new Error('fitGpd: needs at least 2 excesses');
  let max = 0;
  let mean = 0;
  for (const y of excesses) {
    if (!(y >= 0)) throw new Error('fitGpd: excesses must be >= 0');
    max = Math.max(max, y);
    mean += y;
  }
  mean /= excesses.length;
  if (!(max > 0)) return { shape: 0, scale: Number.MIN_VALUE, logLikelihood: 0 };
  // Candidate thetas: toward -1/max on the negative side, up to 1e6/mean on the positive.
  const thetas: number[] = [0];
  for (let k = 0; k <= 120; k++) {
    const u = Math.pow(10, -8 + (8 * k) / 120); // 1e-8 .. 1
    thetas.push(-(1 - u) / max);
    thetas.push(Math.pow(10, -6 + (12 * k) / 120) / mean);
  }
  thetas.sort((a, b) => a - b);
  let best = -1;
  let bestFit: GpdFit | undefined;
  thetas.forEach((theta, i) => {
    const fit = profile(excesses, theta);
    if (fit && (!bestFit || fit.logLikelihood > bestFit.logLikelihood)) {
      bestFit = fit;
      best = i;
    }
  });
  if (!bestFit) return { shape: 0, scale: mean, logLikelihood: NaN };
  // Golden-section refinement between the neighbours of the best grid point.
  let lo = thetas[Math.max(0, best - 1)]!;
  let hi = thetas[Math.min(thetas.length - 1, best + 1)]!;
  const ratio = (Math.sqrt(5) - 1) / 2;
  const value = (t: number) => profile(excesses, t)?.logLikelihood ?? -Infinity;
  for (let it = 0; it < 60 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); it++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (value(a) >= value(b)) hi = b;
    else lo = a;
  }
  const refined = profile(excesses, (lo + hi) / 2);
  return refined && refined.logLikelihood >= bestFit.logLikelihood ? refined : bestFit;
}

export interface EvtOptions {
  /** Share of the normal scores above the initial level t; default max(0.02, min(0.1, 50 / n)). */
  initialRate?: number;
}

/** The score exceeded with probability `rate`, from a GPD tail of the normal scores. */
export function thresholdEvt(
  normalScores: Scores,
  rate: number,
  options: EvtOptions = {},
): EvtThreshold {
  const n = normalScores.length;
  if (n === 0) throw new Error('thresholdEvt: no normal scores');
  if (!(rate > 0 && rate < 1))
    throw new Error(`thresholdEvt: target rate must be in (0, 1), got ${rate}`);
  const sorted = sortedAscending(normalScores, 'thresholdEvt');
  const initialRate = options.initialRate ?? Math.max(0.02, Math.min(0.1, 50 / n));
  const t = quantileSorted(sorted, 1 - initialRate);
  let start = sorted.length;
  while (start > 0 && sorted[start - 1]! > t) start--;
  const peaks = sorted.length - start;
  if (peaks < 5) {
    throw new Error(
      `thresholdEvt: only ${peaks} of ${n} normal scores lie above the initial level ${t}; ` +
        'a tail cannot be fitted (hold out more normal data)',
    );
  }
  const excesses = new Float64Array(peaks);
  for (let i = 0; i < peaks; i++) excesses[i] = sorted[start + i]! - t;
  const fit = fitGpd(excesses);
  const ratio = (rate * n) / peaks;
  const value =
    Math.abs(fit.shape) < 1e-9
      ? t - fit.scale * Math.log(ratio)
      : t + (fit.scale / fit.shape) * (Math.pow(ratio, -fit.shape) - 1);
  return {
    kind: 'evt',
    value,
    targetFpr: rate,
    initialThreshold: t,
    peaks,
    shape: fit.shape,
    scale: fit.scale,
    normalCount: n,
  };
}
