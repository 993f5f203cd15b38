// telemanom's non-parametric dynamic threshold (Hundman et al., "Detecting
// Spacecraft Anomalies Using LSTMs and Nonparametric Dynamic Thresholding",
// KDD 2018), written from the paper and its description of the reference
// procedure:
//
// 1. the per-step prediction errors are smoothed by an EWMA;
// 2. the smoothed errors are cut into overlapping evaluation windows of
//    `windowSize` steps, one every `stepSize` steps; the first window labels
//    all of its steps, each later one only the steps past the previous
//    window's end (so every step is labelled once, with `windowSize` steps of
//    history where there are that many);
// 3. in each window epsilon = mean + z * std is searched (epsilon-search.ts),
//    the points at or above it (widened by `errorBuffer` on each side) form
//    sequences, and the sequences are pruned against the largest
//    non-anomalous error of the window (prune-anomalies.ts); with `inverse`,
//    the same is done on the errors mirrored around their mean (2 * mean - e),
//    which finds stretches of unusually low error;
// 4. the labelled steps of all windows are grouped into inclusive ranges, each
//    with a severity: (max smoothed error in the sequence - epsilon) /
//    (mean + std) of the window that flagged it, the largest over windows.
import { ewmaErrors } from './ewma-errors.js';
import {
  bufferedMask,
  maskRuns,
  meanStd,
  searchEpsilon,
  type EpsilonSearchOptions,
} from './epsilon-search.js';
import { pruneSequences } from './prune-anomalies.js';

export interface DynamicThresholdOptions {
  /** EWMA span of the error smoothing (telemanom: batch 70 * windows 30 * 5% = 105). Default 30. */
  smoothingWindow?: number;
  /** Steps per evaluation window (telemanom: 30 batches of 70 = 2100). Default 2100. */
  windowSize?: number;
  /** Steps between evaluation windows (telemanom's batch size). Default 70. */
  stepSize?: number;
  /** Steps added on either side of each point above epsilon. Default 100. */
  errorBuffer?: number;
  /** Minimum percent decrease between sorted sequence maxima for pruning. Default 0.13. */
  p?: number;
  /** z values searched: from zRange[0] by zStep while below zRange[1]. Default [2.5, 12]. */
  zRange?: readonly [number, number];
  /** Default 0.5. */
  zStep?: number;
  /** Also search for unusually low errors, as telemanom does. Default true. */
  inverse?: boolean;
  /** Epsilon candidates giving more sequences in a window are skipped. Default 5. */
  maxSequences?: number;
  /** Epsilon candidates flagging this fraction of a window or more are skipped. Default 0.5. */
  maxAnomalousFraction?: number;
  /** Windows whose largest smoothed error is not above this flag nothing (telemanom: 0.05 on data scaled to [-1, 1]). Default 0. */
  minPeakError?: number;
  /**
   * The forecast target, one value per error step: enables telemanom's scale
   * checks (a window flags nothing unless its error std is above 5% of the
   * values' std or its largest error above 5% of their 5-95 percentile range,
   * and only points whose error is above 5% of the values' std are flagged).
   */
  values?: ArrayLike<number>;
  /** Steps at the start that are never flagged (telemanom ignores 2 * 250 in its first window). Default 0. */
  ignoreFirst?: number;
  /**
   * The first `flattenFirst` smoothed errors are replaced by the mean of the
   * first 2 * flattenFirst, as telemanom does with its input length (250):
   * the EWMA barely smooths its first values, and a start-up spike would
   * otherwise raise epsilon and the non-anomalous maximum of the first
   * windows. Default 0.
   */
  flattenFirst?: number;
}

/**
 * telemanom's settings for errors of data scaled to [-1, 1]: EWMA span 105
 * (batch 70 x 30 windows x 5%), windows of 30 batches of 70, error buffer 100,
 * pruning p 0.13, no flag unless a window's peak error exceeds 0.05.
 */
export const TELEMANOM_THRESHOLD = {
  smoothingWindow: 105,
  windowSize: 2100,
  stepSize: 70,
  errorBuffer: 100,
  p: 0.13,
  minPeakError: 0.05,
} as const satisfies DynamicThresholdOptions;

/** The epsilon chosen in one evaluation window. */
export interface WindowEpsilon {
  /** First and last step of the window (inclusive). */
  start: number;
  end: number;
  mean: number;
  std: number;
  z: number;
  epsilon: number;
  /** Threshold on the mirrored errors 2 * mean - e (only with `inverse`). */
  zInverse?: number;
  epsilonInverse?: number;
}

export interface DynamicThresholdResult {
  /** Anomalous ranges, inclusive at both ends, sorted and disjoint. */
  ranges: [number, number][];
  /** One severity per range. */
  scores: number[];
  smoothedErrors: Float32Array;
  epsilons: WindowEpsilon[];
}

type Resolved = Required<Omit<DynamicThresholdOptions, 'values' | 'zRange'>> & {
  zRange: readonly [number, number];
};

export const DYNAMIC_THRESHOLD_DEFAULTS: Readonly<Resolved> = {
  smoothingWindow: 30,
  windowSize: 2100,
  stepSize: 70,
  errorBuffer: 100,
  p: 0.13,
  zRange: [2.5, 12],
  zStep: 0.5,
  inverse: true,
  maxSequences: 5,
  maxAnomalousFraction: 0.5,
  minPeakError: 0,
  ignoreFirst: 0,
  flattenFirst: 0,
};

const NAME = 'dynamicThreshold';

function resolveOptions(options: DynamicThresholdOptions, n: number): Resolved {
  const o: Resolved = { ...DYNAMIC_THRESHOLD_DEFAULTS };
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined && k !== 'values') (o as Record<string, unknown>)[k] = v;
  }
  const positiveInt = (k: 'windowSize' | 'stepSize') => {
    if (!Number.isInteger(o[k]) || o[k] < 1)
      throw new Error(`${NAME}: ${k} must be a positive integer, got ${o[k]}`);
  };
  positiveInt('windowSize');
  positiveInt('stepSize');
  for (const k of ['errorBuffer', 'ignoreFirst', 'flattenFirst', 'maxSequences'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 0)
      throw new Error(`${NAME}: ${k} must be a non-negative integer, got ${o[k]}`);
  }
  if (!(Number.isFinite(o.smoothingWindow) && o.smoothingWindow >= 1))
    throw new Error(`${NAME}: smoothingWindow must be a number >= 1, got ${o.smoothingWindow}`);
  if (!(o.p >= 0 && o.p <= 1)) throw new Error(`${NAME}: p must be in [0, 1], got ${o.p}`);
  const [zMin, zMax] = o.zRange;
  if (!(Number.isFinite(zMin) && Number.isFinite(zMax) && zMin < zMax))
    throw new Error(`${NAME}: zRange must be two finite numbers, low < high, got [${o.zRange}]`);
  if (!(o.zStep > 0)) throw new Error(`${NAME}: zStep must be positive, got ${o.zStep}`);
  if (!(o.maxAnomalousFraction > 0 && o.maxAnomalousFraction <= 1))
    throw new Error(
      `${NAME}: maxAnomalousFraction must be in (0, 1], got ${o.maxAnomalousFraction}`,
    );
  if (!Number.isFinite(o.minPeakError))
    throw new Error(`${NAME}: minPeakError must be finite, got ${o.minPeakError}`);
  if (options.values !== undefined && options.values.length !== n)
    throw new Error(
      `${NAME}: values has ${options.values.length} steps but errors has ${n}; they must match`,
    );
  return o;
}

function checkErrors(errors: ArrayLike<number>, what: string): void {
  if (errors.length === 0) throw new Error(`${NAME}: ${what} is empty`);
  for (let i = 0; i < errors.length; i++) {
    if (!Number.isFinite(errors[i]!))
      throw new Error(`${NAME}: ${what} has a non-finite value (${errors[i]}) at step ${i}`);
  }
}

function percentile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Evaluation windows [start, end) and the part [from, end) each labels. */
function evaluationWindows(n: number, o: Resolved): { start: number; end: number; from: number }[] {
  const out: { start: number; end: number; from: number }[] = [];
  const last = n <= o.windowSize ? 0 : Math.ceil((n - o.windowSize) / o.stepSize);
  let prevEnd = 0;
  for (let k = 0; k <= last; k++) {
    const start = k * o.stepSize;
    const end = k === last ? n : Math.min(n, start + o.windowSize);
    out.push({ start, end, from: Math.min(end, Math.max(k === 0 ? 0 : prevEnd, o.ignoreFirst)) });
    prevEnd = end;
  }
  return out;
}

/**
 * Flags anomalous ranges in per-step prediction errors (e.g. |y - yhat| of a
 * forecaster) with telemanom's dynamic threshold. Deterministic.
 */
export function dynamicThreshold(
  errors: ArrayLike<number>,
  options: DynamicThresholdOptions = {},
): DynamicThresholdResult {
  checkErrors(errors, 'errors');
  const n = errors.length;
  const o = resolveOptions(options, n);
  const values = options.values;
  if (values !== undefined) checkErrors(values, 'values');
  const smoothed = ewmaErrors(errors, o.smoothingWindow);
  if (o.flattenFirst > 0) {
    const head = smoothed.subarray(0, Math.min(n, 2 * o.flattenFirst));
    const level = meanStd(head).mean;
    smoothed.fill(level, 0, Math.min(n, o.flattenFirst));
  }
  const search: EpsilonSearchOptions = {
    zMin: o.zRange[0],
    zMax: o.zRange[1],
    zStep: o.zStep,
    errorBuffer: o.errorBuffer,
    maxSequences: o.maxSequences,
    maxAnomalousFraction: o.maxAnomalousFraction,
  };
  const flagged = new Uint8Array(n);
  const pointScore = new Float64Array(n).fill(-Infinity);
  const epsilons: WindowEpsilon[] = [];

  for (const { start, end, from } of evaluationWindows(n, o)) {
    const e = smoothed.subarray(start, end);
    const len = e.length;
    const { mean, std } = meanStd(e);
    const record: WindowEpsilon = { start, end: end - 1, mean, std, z: o.zRange[1], epsilon: 0 };
    epsilons.push(record);
    const directions: Float64Array[] = [e];
    if (o.inverse) directions.push(e.map((v) => 2 * mean - v));
    const choices = directions.map((d) => searchEpsilon(d, mean, std, search));
    record.z = choices[0]!.z;
    record.epsilon = choices[0]!.epsilon;
    if (o.inverse) {
      record.zInverse = choices[1]!.z;
      record.epsilonInverse = choices[1]!.epsilon;
    }

    let peak = -Infinity;
    for (let i = 0; i < len; i++) peak = Math.max(peak, e[i]!);
    if (!(std > 0) || !(peak > o.minPeakError)) continue;
    let minPointError = -Infinity;
    if (values !== undefined) {
      const v = Float64Array.from({ length: len }, (_, i) => values[start + i]!);
      const sdValues = meanStd(v).std;
      v.sort();
      const interRange = percentile(v, 0.95) - percentile(v, 0.05);
      if (!(std > 0.05 * sdValues || peak > 0.05 * interRange)) continue;
      minPointError = 0.05 * sdValues;
    }

    const windowFlags = new Uint8Array(len);
    const windowScores = new Float64Array(len).fill(-Infinity);
    directions.forEach((d, k) => {
      const { epsilon } = choices[k]!;
      const mask = bufferedMask(
        len,
        (i) => d[i]! >= epsilon && d[i]! > minPointError,
        o.errorBuffer,
      );
      const runs = maskRuns(mask, from - start, len);
      if (runs.length === 0) return;
      // Largest error of the window that neither an earlier window nor this
      // search flagged.
      let nonAnomalousMax = 0;
      for (let i = 0; i < len; i++) {
        const inRuns = i >= from - start && mask[i]!;
        if (!flagged[start + i] && !inRuns) nonAnomalousMax = Math.max(nonAnomalousMax, d[i]!);
      }
      const runMax = runs.map(([a, b]) => {
        let m = -Infinity;
        for (let i = a; i <= b; i++) m = Math.max(m, d[i]!);
        return m;
      });
      const keep = pruneSequences(runMax, nonAnomalousMax, o.p);
      runs.forEach(([a, b], r) => {
        if (!keep[r]) return;
        const severity = (runMax[r]! - epsilon) / (mean + std);
        for (let i = a; i <= b; i++) {
          windowFlags[i] = 1;
          windowScores[i] = Math.max(windowScores[i]!, severity);
        }
      });
    });
    for (let i = from - start; i < len; i++) {
      if (!windowFlags[i]) continue;
      flagged[start + i] = 1;
      pointScore[start + i] = Math.max(pointScore[start + i]!, windowScores[i]!);
    }
  }

  const ranges = maskRuns(flagged);
  const scores = ranges.map(([a, b]) => {
    let m = -Infinity;
    for (let i = a; i <= b; i++) m = Math.max(m, pointScore[i]!);
    return m;
  });
  return { ranges, scores, smoothedErrors: Float32Array.from(smoothed), epsilons };
}

/** A 0/1 mask of the anomalous steps of a dynamic-threshold result. */
export function dynamicThresholdMask(result: DynamicThresholdResult): Uint8Array {
  const mask = new Uint8Array(result.smoothedErrors.length);
  for (const [a, b] of result.ranges) mask.fill(1, a, b + 1);
  return mask;
}
