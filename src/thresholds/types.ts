// A threshold is a plain, JSON-serialisable object: the cut-off `value` plus
// how it was obtained, so it can be saved next to a model's scores and applied
// again without the model. The rule is always: score > value is anomalous.
// Strict ">" makes a threshold taken at an order statistic of the normal
// scores flag none of the normal scores equal to it, which is what keeps the
// realised false-positive rate at or below a target.

/** At a target false-positive rate on held-out normal scores. */
export interface FprThreshold {
  kind: 'fpr';
  value: number;
  targetFpr: number;
  /** Fraction of the held-out normal scores above value (<= targetFpr). */
  realisedFpr: number;
  normalCount: number;
}

/** A percentile of training scores. */
export interface PercentileThreshold {
  kind: 'percentile';
  value: number;
  /** In [0, 100]. */
  percentile: number;
  trainCount: number;
}

/** A value given by hand. */
export interface FixedThreshold {
  kind: 'fixed';
  value: number;
}

/** One point of a sweep over a set of scores. */
export interface SweepThreshold {
  kind: 'sweep';
  value: number;
  /** 'even': evenly spaced from min to max; 'quantile': at evenly spaced quantiles. */
  spacing: 'even' | 'quantile';
  index: number;
  count: number;
}

/** Flags scores whose conformal p-value against normal scores is <= alpha. */
export interface PValueThreshold {
  kind: 'p-value';
  value: number;
  alpha: number;
  normalCount: number;
}

/**
 * Extrapolated from a generalised Pareto tail fitted to the held-out normal scores
 * above `initialThreshold` (peaks over threshold, as SPOT), for target rates the
 * held-out sample is too small to show.
 */
export interface EvtThreshold {
  kind: 'evt';
  value: number;
  targetFpr: number;
  initialThreshold: number;
  /** Normal scores above initialThreshold (the fitted excesses). */
  peaks: number;
  shape: number;
  scale: number;
  normalCount: number;
}

export type Threshold =
  | FprThreshold
  | PercentileThreshold
  | FixedThreshold
  | SweepThreshold
  | PValueThreshold
  | EvtThreshold;

export type ThresholdKind = Threshold['kind'];
