// A streaming detector for one-dimensional series, in the spirit of NAB's
// windowedGaussian and HTM's anomaly likelihood but on a robust z-score:
//
// 1. raw score r(t) = |x(t) - median| / scale, median and scale (IQR / 1.349,
//    falling back to the standard deviation, then to a small floor) taken over
//    the last `longWindow` values *before* t;
// 2. the short-term mean a(t) of the last `shortWindow` raw scores;
// 3. the likelihood: how far a(t) lies in the upper tail of the distribution of
//    the previous `historyWindow` values of a (Gaussian with their mean and
//    standard deviation, the latter floored at `minStd`);
// 4. s(t) = min(1, -log10(tail probability) / `logScale`), in [0, 1], so that
//    extreme tails keep distinct scores instead of all rounding to 1 (with the
//    raw cap of 50, -log10 of the tail stays below 600);
// 5. score(t) = max(0, s(t) - max of the previous `suppress` values of s), so a
//    sustained excursion alarms once, where it starts.
//
// Each score uses x(t) and the rows before it only; then x(t) is learned. The
// first `minHistory` rows (and the probationary rows the caller names) score 0.
import { RollingWindow } from './rolling-window.js';
import { scoreAsStream, type StreamingDetector } from './streaming-detector.js';
import {
  nonNegativeInt,
  positive,
  positiveInt,
  resolveConfig,
  type Schema,
} from '../../config/schema.js';

export interface WindowedLikelihoodConfig {
  /** Values behind the median and scale. */
  longWindow: number;
  /** Raw scores averaged into a(t). */
  shortWindow: number;
  /** Values of a(t) behind the tail probability. */
  historyWindow: number;
  /** Rows before the first non-zero score. */
  minHistory: number;
  /** Floor of the standard deviation of a(t), in z units. */
  minStd: number;
  /** -log10(tail) that maps to score 1. */
  logScale: number;
  /** Raw scores are capped here (z units), so one wild value cannot dominate a(t) for long. */
  rawCap: number;
  /**
   * Rows over which a score must exceed every earlier score to count: the output
   * is the excess of the likelihood score over the largest of the previous
   * `suppress` likelihood scores (0 = off), so a sustained excursion alarms
   * once, at its start, rather than on every row.
   */
  suppress: number;
}

export const WINDOWED_LIKELIHOOD_DEFAULTS: WindowedLikelihoodConfig = {
  longWindow: 1000,
  shortWindow: 1,
  historyWindow: 1000,
  minHistory: 50,
  minStd: 0.05,
  logScale: 600,
  rawCap: 50,
  suppress: 200,
};

/** The fields of windowed-likelihood's config, their types and ranges. */
export const WINDOWED_LIKELIHOOD_SCHEMA: Schema = {
  longWindow: positiveInt,
  shortWindow: positiveInt,
  historyWindow: positiveInt,
  minHistory: { type: 'int', min: 2 },
  minStd: positive,
  logScale: positive,
  rawCap: positive,
  suppress: nonNegativeInt,
};

/** log10 of the upper tail Q(z) of the standard normal, accurate for large z too. */
export function log10UpperTail(z: number): number {
  if (z < 5) {
    // erfc by Numerical Recipes' Chebyshev fit (relative error < 1.2e-7).
    const x = z / Math.SQRT2;
    const ax = Math.abs(x);
    const t = 1 / (1 + 0.5 * ax);
    const y =
      t *
      Math.exp(
        -ax * ax -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t *
                    (0.09678418 +
                      t *
                        (-0.18628806 +
                          t *
                            (0.27886807 +
                              t *
                                (-1.13520398 +
                                  t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
    const erfc = x >= 0 ? y : 2 - y;
    return Math.log10(Math.max(erfc / 2, 1e-300));
  }
  // Asymptotic expansion: Q(z) ~ phi(z) / z * (1 - 1/z^2 + 3/z^4).
  const logPhi = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
  const series = 1 - 1 / (z * z) + 3 / z ** 4;
  return (logPhi - Math.log(z) + Math.log(series)) / Math.LN10;
}

export class WindowedLikelihood implements StreamingDetector {
  readonly name = 'windowed-likelihood';
  readonly config: WindowedLikelihoodConfig;
  private readonly values: RollingWindow;
  private readonly averages: RollingWindow;
  private readonly recentRaw: Float64Array;
  private recentCount = 0;
  private recentSum = 0;
  private seen = 0;
  private readonly previous: Float64Array;
  private previousCount = 0;

  constructor(config: Partial<WindowedLikelihoodConfig> = {}) {
    this.config = resolveConfig(
      config,
      WINDOWED_LIKELIHOOD_SCHEMA,
      WINDOWED_LIKELIHOOD_DEFAULTS,
      'windowed-likelihood config',
    );
    const c = this.config;
    this.values = new RollingWindow(c.longWindow);
    this.averages = new RollingWindow(c.historyWindow);
    this.recentRaw = new Float64Array(c.shortWindow);
    this.previous = new Float64Array(Math.max(1, c.suppress));
  }

  /** Scores x(t) from the rows seen so far, then learns it. Non-finite values score 0 and are skipped. */
  update(x: number): number {
    if (!Number.isFinite(x)) return 0;
    const c = this.config;
    let score = 0;
    if (this.values.size >= 2) {
      const median = this.values.quantile(0.5);
      let scale = (this.values.quantile(0.75) - this.values.quantile(0.25)) / 1.349;
      if (!(scale > 1e-12)) scale = this.values.std();
      if (!(scale > 1e-12)) scale = 1e-6 * (1 + Math.abs(median));
      const raw = Math.min(c.rawCap, Math.abs(x - median) / scale);
      // Short-term mean of the raw scores (a ring of the last shortWindow).
      const slot = this.recentCount % c.shortWindow;
      if (this.recentCount >= c.shortWindow) this.recentSum -= this.recentRaw[slot]!;
      this.recentRaw[slot] = raw;
      this.recentSum += raw;
      this.recentCount++;
      const avg = this.recentSum / Math.min(this.recentCount, c.shortWindow);
      if (this.seen >= c.minHistory && this.averages.size >= 2) {
        const std = Math.max(c.minStd, this.averages.std());
        const z = (avg - this.averages.mean()) / std;
        score = Math.min(1, Math.max(0, -log10UpperTail(z) / c.logScale));
      }
      this.averages.push(avg);
    }
    this.values.push(x);
    this.seen++;
    if (c.suppress === 0) return score;
    let recentMax = 0;
    const k = Math.min(this.previousCount, c.suppress);
    for (let i = 0; i < k; i++) recentMax = Math.max(recentMax, this.previous[i]!);
    this.previous[this.previousCount % c.suppress] = score;
    this.previousCount++;
    return Math.max(0, score - recentMax);
  }
}

/**
 * Scores a whole series as a stream: each row from the rows before it. The
 * first `probation` rows are learned from and scored 0.
 */
export function scoreStream(
  values: ArrayLike<number>,
  config: Partial<WindowedLikelihoodConfig> = {},
  probation = 0,
): Float64Array {
  return scoreAsStream(new WindowedLikelihood(config), values, { probation });
}
