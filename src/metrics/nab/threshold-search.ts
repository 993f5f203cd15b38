// Choosing the NAB threshold for a profile from the corpus's score curve.
//
// 'exhaustive' tries every distinct score (and flagging nothing) and returns
// the global optimum; among equal totals the highest threshold.
//
// 'hill-climb' is the local search by which NAB's published scoreboard was
// optimised: start at 0.5 with step 0.1 inside [0, 1]; try x + step, then
// x - step; a better total moves there and doubles the step, otherwise the
// step halves, until it falls to 1e-7. It can stop on a local optimum (for
// the numenta detector's reward_low_FP_rate profile it does: 63.12 published,
// 63.21 exhaustive), so it is what reproduces published numbers, while
// 'exhaustive' is the better-founded choice for new comparisons.
import { nabTotalAt, type NabScoreCurve } from './score-curve.js';

export type NabThresholdSearch = 'hill-climb' | 'exhaustive';

export interface NabThresholdChoice {
  /** Flag scores >= threshold; Infinity when flagging nothing is best. */
  threshold: number;
  /** The raw corpus total there. */
  total: number;
}

export function exhaustiveThreshold(curve: NabScoreCurve): NabThresholdChoice {
  let threshold = Infinity;
  let total = curve.noneTotal;
  for (let k = 0; k < curve.totals.length; k++) {
    if (curve.totals[k] > total) {
      total = curve.totals[k];
      threshold = curve.thresholds[k];
    }
  }
  return { threshold, total };
}

export interface HillClimbOptions {
  start?: number;
  step?: number;
  tolerance?: number;
  lower?: number;
  upper?: number;
}

export function hillClimbThreshold(
  curve: NabScoreCurve,
  options: HillClimbOptions = {},
): NabThresholdChoice {
  const lower = options.lower ?? 0;
  const upper = options.upper ?? 1;
  const tolerance = options.tolerance ?? 1e-7;
  let x = options.start ?? 0.5;
  let step = options.step ?? 0.1;
  let best = nabTotalAt(curve, x);
  while (step > tolerance) {
    if (x + step > upper) step = Math.abs(upper - x) / 2;
    x += step;
    let total = nabTotalAt(curve, x);
    if (total > best) {
      best = total;
      step *= 2;
      continue;
    }
    if (x - step < lower) step = Math.abs(lower - x) / 2;
    x -= 2 * step;
    total = nabTotalAt(curve, x);
    if (total > best) {
      best = total;
      step *= 2;
      continue;
    }
    x += step;
    step /= 2;
  }
  return { threshold: x, total: best };
}

export function chooseNabThreshold(
  curve: NabScoreCurve,
  search: NabThresholdSearch,
): NabThresholdChoice {
  return search === 'exhaustive' ? exhaustiveThreshold(curve) : hillClimbThreshold(curve);
}
