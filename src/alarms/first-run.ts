// Settings that work on a first run, derived from the held-out normal scores
// that set the threshold, so a user never has to tune them to start:
// - scores are often smoothed or windowed, so neighbouring steps move together;
//   the correlation length (the lag where their autocorrelation falls below
//   1/e) sets the merge gap and scales the drift guard's window, which then
//   holds about 10 / targetRate independent stretches;
// - an incident must rise to the score that normal data exceeds at a rate of
//   targetRate / 20 (extrapolated from a generalised Pareto tail when the
//   held-out sample is too small to show it), while its extent is given by the
//   steps flagged at the target rate (hysteresis).
import { thresholdEvt } from '../thresholds/evt.js';
import { quantileSorted, sortedAscending } from '../metrics/sorted.js';
import type { DriftOptions } from './drift-guard.js';
import type { EventRules } from './event-rules.js';
import { DEFAULT_EVENT_RULES } from './event-rules.js';

/** How much rarer than a flagged step the peak of an incident must be. */
export const OPEN_RATE_DIVISOR = 20;

/** Lag at which the autocorrelation of the scores first falls below 1/e (at least 1). */
export function correlationLength(scores: ArrayLike<number>): number {
  const values = Array.from(scores).filter(Number.isFinite);
  const n = values.length;
  if (n < 8) return 1;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  if (!(variance > 0)) return 1;
  const acf = (lag: number) => {
    let s = 0;
    for (let i = lag; i < n; i++) s += (values[i]! - mean) * (values[i - lag]! - mean);
    return s / variance;
  };
  const limit = Math.max(1, Math.floor(n / 10));
  const cut = 1 / Math.E;
  // Doubling then bisection: the autocorrelation of a smoothed score decays monotonically
  // near zero lag, and this needs O(n log n) instead of O(n * lag).
  let hi = 1;
  while (hi < limit && acf(hi) >= cut) hi *= 2;
  hi = Math.min(hi, limit);
  if (acf(hi) >= cut) return limit;
  let lo = Math.floor(hi / 2);
  if (lo < 1) return 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (acf(mid) >= cut) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface FirstRunSettings {
  rules: EventRules;
  drift: DriftOptions;
  correlationLength: number;
}

/** Event rules and drift settings for a threshold at `targetRate` on these normal scores. */
export function firstRunSettings(options: {
  threshold: number;
  targetRate: number;
  normalScores?: ArrayLike<number>;
}): FirstRunSettings {
  const { threshold, targetRate, normalScores } = options;
  const finite = normalScores ? Array.from(normalScores).filter(Number.isFinite) : [];
  const corr = finite.length > 0 ? correlationLength(finite) : 1;
  const rules: EventRules = {
    ...DEFAULT_EVENT_RULES,
    mergeGap: Math.max(DEFAULT_EVENT_RULES.mergeGap, corr),
  };
  if (finite.length > 0) {
    const rate = targetRate / OPEN_RATE_DIVISOR;
    let open: number | undefined;
    if (finite.length * rate >= 10) {
      open = quantileSorted(sortedAscending(finite, 'first-run settings'), 1 - rate);
    } else {
      try {
        open = thresholdEvt(finite, rate).value;
      } catch {
        open = undefined; // too few scores for a tail: any flagged run opens an incident
      }
    }
    if (open !== undefined && open > threshold) rules.openAbove = open;
  }
  const window = Math.max(100, Math.ceil(10 / targetRate)) * corr;
  return {
    rules,
    drift: { targetRate, window, ...(finite.length > 0 ? { normalScores: finite } : {}) },
    correlationLength: corr,
  };
}
