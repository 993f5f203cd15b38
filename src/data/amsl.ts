// The AMSL evaluation split of DSADS (Zhang et al., TKDE 2022): 14 activities are
// normal, 5 are abnormal; normal segments are shuffled, 60% train and 40% test;
// every abnormal segment is test.
import { createRng, shuffleInPlace } from './random.js';

/** Activities AMSL treats as abnormal. */
export const AMSL_ABNORMAL_ACTIVITIES: readonly number[] = [5, 6, 12, 18, 19];

export interface AmslSplitOptions {
  /** Seed of the shuffle; the same seed and input give the same split. */
  seed: number;
  /** Share of normal segments used for training; default 0.6. */
  trainFraction?: number;
  /** Default `AMSL_ABNORMAL_ACTIVITIES`. */
  abnormalActivities?: readonly number[];
}

export interface AmslSplit<T> {
  /** Normal segments only. */
  readonly train: T[];
  /** The held-out normal segments, then every abnormal one. */
  readonly test: T[];
  /** 1 where `test[i]` is abnormal. */
  readonly testLabels: Uint8Array;
}

/**
 * Splits segments the AMSL way. Normal segments are shuffled with a seeded PRNG and
 * the first round(trainFraction * n) go to training; abnormal ones keep their order.
 */
export function amslSplit<T extends { readonly activity: number }>(
  segments: readonly T[],
  options: AmslSplitOptions,
): AmslSplit<T> {
  const fraction = options.trainFraction ?? 0.6;
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`trainFraction must be in [0, 1], got ${fraction}`);
  }
  const abnormal = new Set(options.abnormalActivities ?? AMSL_ABNORMAL_ACTIVITIES);
  const normal = segments.filter((s) => !abnormal.has(s.activity));
  const anomalies = segments.filter((s) => abnormal.has(s.activity));
  shuffleInPlace(normal, createRng(options.seed));
  const trainCount = Math.round(fraction * normal.length);
  const train = normal.slice(0, trainCount);
  const test = [...normal.slice(trainCount), ...anomalies];
  const testLabels = new Uint8Array(test.length);
  testLabels.fill(1, test.length - anomalies.length);
  return { train, test, testLabels };
}
