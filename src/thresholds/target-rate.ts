// The threshold for a target false-positive rate, chosen by what the held-out
// normal sample can back: with at least 10 / rate scores the empirical order
// statistic (thresholdAtFpr) rests on 10 or more exceedances; below that the
// rate is extrapolated from a generalised Pareto tail (thresholdEvt), and a
// warning gives the numbers so the user knows the promise is a model's.
import type { Scores } from '../metrics/types.js';
import { thresholdAtFpr } from './fpr.js';
import { thresholdEvt } from './evt.js';
import type { EvtThreshold, FprThreshold, Threshold } from './types.js';

export interface TargetRateThreshold {
  threshold: FprThreshold | EvtThreshold;
  /** Set when the held-out sample is too small to measure the target rate. */
  warning?: string;
}

/** Held-out normal scores needed for an empirical threshold at `rate`. */
export function scoresNeeded(rate: number): number {
  return Math.ceil(10 / rate - 1e-9);
}

export function thresholdAtTargetRate(normalScores: Scores, rate: number): TargetRateThreshold {
  const n = normalScores.length;
  const needed = scoresNeeded(rate);
  if (n >= needed) return { threshold: thresholdAtFpr(normalScores, rate) };
  const shortBy = `the held-out normal data has ${n} scores; a false-positive rate of ${rate} needs at least ${needed} (10 / rate) to be measured`;
  try {
    const threshold = thresholdEvt(normalScores, rate);
    return {
      threshold,
      warning: `${shortBy}, so the threshold ${threshold.value.toPrecision(5)} is extrapolated from a generalised Pareto tail fitted to the ${threshold.peaks} highest scores; hold out more normal data to check it`,
    };
  } catch (err) {
    const fallback = thresholdAtFpr(normalScores, rate);
    return {
      threshold: fallback,
      warning: `${shortBy}, and no tail could be fitted (${(err as Error).message}); the threshold rests on ${Math.floor(rate * n)} held-out score(s) and its realised rate may be far from the target`,
    };
  }
}

/**
 * The per-step false-positive rate a threshold stands for: its target when it was
 * set at one, else the share of held-out normal scores above it (at least one
 * score's worth), else 1%.
 */
export function impliedRate(threshold: Threshold, normalScores?: ArrayLike<number>): number {
  if (threshold.kind === 'fpr' || threshold.kind === 'evt') return threshold.targetFpr;
  if (threshold.kind === 'p-value') return threshold.alpha;
  if (threshold.kind === 'percentile') return Math.max(1e-6, 1 - threshold.percentile / 100);
  if (normalScores && normalScores.length > 0) {
    let above = 0;
    for (let i = 0; i < normalScores.length; i++) if (normalScores[i]! > threshold.value) above++;
    return Math.min(0.5, Math.max(above, 1) / normalScores.length);
  }
  return 0.01;
}
