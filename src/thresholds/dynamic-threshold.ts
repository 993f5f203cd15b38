// telemanom's non-parametric dynamic threshold (Hundman et al., "Detecting
// Spacecraft Anomalies Using LSTMs and Nonparametric Dynamic Thresholding",
// KDD 2018), written from the paper and the behaviour of the reference code:
//
// 1. the per-step prediction errors are smoothed by an EWMA;
// 2. the smoothed errors are cut into overlapping evaluation windows of
//    `windowSize` steps, one every `stepSize` steps; each window labels the
//    steps it adds (`windowLayout` says how the windows tile the errors);
// 3. in each window epsilon = mean + z * std is searched (epsilon-search.ts),
//    the points at or above it (widened by `errorBuffer` on each side) form
//    sequences, and the sequences are pruned against the largest
//    non-anomalous error of the window (prune-anomalies.ts); with `inverse`,
//    the same is done on the errors mirrored around their mean (2 * mean - e),
//    which finds stretches of unusually low error;
// 4. the labelled steps of all windows are grouped into inclusive ranges, each
//    with a severity: (max smoothed error in the sequence - epsilon) /
//    (mean + std) of the window that flagged it, the largest over windows.
//
// TELEMANOM_THRESHOLD with telemanomStartup() reproduces the ranges of
// telemanom's code (khundman/telemanom, errors.py) exactly on the parity
// fixtures of bench/telemanom-parity.py, quirks included.
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
  /** Steps added on either side of each point in the epsilon search (telemanom: 99). Default `errorBuffer`. */
  searchBuffer?: number;
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
   * The forecast targets: enables telemanom's scale checks (a window flags
   * nothing unless its error std is above 5% of its values' std or its
   * largest error above 5% of their 5-95 percentile range, and only points
   * whose error is above 5% of that range are flagged). One value per error
   * step, or n + valuesHorizon - 1 (see `valuesHorizon`).
   */
  values?: ArrayLike<number>;
  /**
   * Targets per step: step i's are values[i .. i + valuesHorizon - 1] (the
   * values a forecast of `valuesHorizon` steps predicts), and a window's scale
   * checks use all its steps' targets, as telemanom does with its horizon of
   * 10. Default 1.
   */
  valuesHorizon?: number;
  /**
   * How the evaluation windows tile the errors.
   * 'even': one every `stepSize` steps, the last ending at the last error;
   * each labels the steps past the previous window's end, so every step is
   * labelled once.
   * 'telemanom': floor((n - windowSize) / stepSize) + 1 windows (one when
   * n < windowSize + stepSize), the last running from its start to the end
   * (windowSize to windowSize + stepSize - 1 steps); every window after the
   * first labels only its last `stepSize` steps, so up to stepSize - 1 steps
   * before the end are never labelled.
   * Default 'even'.
   */
  windowLayout?: 'even' | 'telemanom';
  /**
   * As telemanom: a flagged group of one step is not a sequence. It is not
   * counted in the epsilon search, it is dropped by the pruning of a window
   * whose direction has longer sequences (and kept, unpruned, when it has
   * none), and a one-step range is not reported. Default false.
   */
  dropSinglePoints?: boolean;
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
 * (batch 70 x 30 windows x 5%), windows of 30 batches of 70 laid out as
 * telemanom does, error buffer 100 (99 in the epsilon search), pruning p 0.13,
 * no flag unless a window's peak error exceeds 0.05, single points dropped.
 * With `values` (and `valuesHorizon`, the forecast horizon) for the scale
 * checks and telemanomStartup() for the start of the series, the ranges are
 * telemanom's.
 */
export const TELEMANOM_THRESHOLD = {
  smoothingWindow: 105,
  windowSize: 2100,
  stepSize: 70,
  errorBuffer: 100,
  searchBuffer: 99,
  p: 0.13,
  minPeakError: 0.05,
  windowLayout: 'telemanom',
  dropSinglePoints: true,
} as const satisfies DynamicThresholdOptions;

/**
 * telemanom's start-of-series settings for `errorSteps` errors of a model
 * reading `inputSteps` past steps: the first inputSteps smoothed errors set to
 * the mean of the first 2 * inputSteps (the EWMA barely smooths its first
 * values), and nothing flagged in the first 2 * inputSteps errors, only
 * inputSteps under 2,500 errors, none under 1,800. The lengths are those of
 * the errors (test steps - input - horizon), as telemanom counts them.
 */
export function telemanomStartup(
  errorSteps: number,
  inputSteps: number,
): { flattenFirst: number; ignoreFirst: number } {
  const ignoreFirst = errorSteps < 1800 ? 0 : errorSteps < 2500 ? inputSteps : 2 * inputSteps;
  return { flattenFirst: inputSteps, ignoreFirst };
}

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

type Resolved = Required<Omit<DynamicThresholdOptions, 'values' | 'zRange' | 'searchBuffer'>> & {
  zRange: readonly [number, number];
  /** Undefined: errorBuffer. */
  searchBuffer?: number;
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
  valuesHorizon: 1,
  windowLayout: 'even',
  dropSinglePoints: false,
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
  o.searchBuffer ??= o.errorBuffer;
  for (const k of [
    'errorBuffer',
    'searchBuffer',
    'ignoreFirst',
    'flattenFirst',
    'maxSequences',
  ] as const) {
    if (!Number.isInteger(o[k]) || o[k]! < 0)
      throw new Error(`${NAME}: ${k} must be a non-negative integer, got ${o[k]}`);
  }
  if (!Number.isInteger(o.valuesHorizon) || o.valuesHorizon < 1)
    throw new Error(`${NAME}: valuesHorizon must be a positive integer, got ${o.valuesHorizon}`);
  if (o.windowLayout !== 'even' && o.windowLayout !== 'telemanom')
    throw new Error(`${NAME}: windowLayout must be 'even' or 'telemanom', got ${o.windowLayout}`);
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
  const wanted = n + o.valuesHorizon - 1;
  if (options.values !== undefined && options.values.length !== wanted)
    throw new Error(
      `${NAME}: values has ${options.values.length} entries but ${n} errors with valuesHorizon ${o.valuesHorizon} need ${wanted}`,
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

/**
 * Standard deviation and 5-95 percentile range of the targets of `len` steps
 * from `start`, step i having values[i .. i + h - 1] (a value shared by several
 * steps counts once for each, as in telemanom's rows of targets). Percentiles
 * interpolate linearly, as numpy's do.
 */
function targetSpread(
  values: ArrayLike<number>,
  start: number,
  len: number,
  h: number,
): { sd: number; interRange: number } {
  const span = len + h - 1;
  const v = Float64Array.from({ length: span }, (_, r) => values[start + r]!);
  // Step-target pairs (i, k) with i + k = r: 0 <= i < len, 0 <= k < h.
  const weight = (r: number) => Math.min(len - 1, r) - Math.max(0, r - h + 1) + 1;
  const total = len * h;
  let sum = 0;
  for (let r = 0; r < span; r++) sum += weight(r) * v[r]!;
  const mean = sum / total;
  let sq = 0;
  for (let r = 0; r < span; r++) sq += weight(r) * (v[r]! - mean) ** 2;
  const order = Array.from({ length: span }, (_, r) => r).sort((a, b) => v[a]! - v[b]!);
  const cumulative = new Float64Array(span);
  let acc = 0;
  order.forEach((r, j) => (cumulative[j] = acc += weight(r)));
  // The value of rank k (0-based) among the `total` weighted values.
  const ranked = (k: number) => {
    let lo = 0;
    let hi = span - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > k) hi = mid;
      else lo = mid + 1;
    }
    return v[order[lo]!]!;
  };
  const percentile = (q: number) => {
    const pos = q * (total - 1);
    const k = Math.floor(pos);
    const a = ranked(k);
    const b = ranked(Math.min(k + 1, total - 1));
    return a + (b - a) * (pos - k);
  };
  return { sd: Math.sqrt(sq / total), interRange: percentile(0.95) - percentile(0.05) };
}

/** Evaluation windows [start, end) and the part [from, end) each labels. */
function evaluationWindows(n: number, o: Resolved): { start: number; end: number; from: number }[] {
  const out: { start: number; end: number; from: number }[] = [];
  if (o.windowLayout === 'telemanom') {
    const last = n < o.windowSize ? 0 : Math.floor((n - o.windowSize) / o.stepSize);
    for (let k = 0; k <= last; k++) {
      const start = k * o.stepSize;
      const end = k === last ? n : start + o.windowSize;
      const from = k === 0 ? Math.min(end, o.ignoreFirst) : Math.max(start, end - o.stepSize);
      out.push({ start, end, from });
    }
    return out;
  }
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
    errorBuffer: o.searchBuffer!,
    maxSequences: o.maxSequences,
    maxAnomalousFraction: o.maxAnomalousFraction,
    countSinglePoints: !o.dropSinglePoints,
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
      const { sd, interRange } = targetSpread(values, start, len, o.valuesHorizon);
      if (!(std > 0.05 * sd || peak > 0.05 * interRange)) continue;
      minPointError = 0.05 * interRange;
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
      const flag = ([a, b]: [number, number], severity: number) => {
        for (let i = a; i <= b; i++) {
          windowFlags[i] = 1;
          windowScores[i] = Math.max(windowScores[i]!, severity);
        }
      };
      const runMaxOf = ([a, b]: [number, number]) => {
        let m = -Infinity;
        for (let i = a; i <= b; i++) m = Math.max(m, d[i]!);
        return m;
      };
      const sequences = o.dropSinglePoints ? runs.filter(([a, b]) => b > a) : runs;
      if (sequences.length === 0) {
        // Single points only: telemanom keeps them unpruned (they may join a
        // neighbouring window's range).
        for (const run of runs) flag(run, (runMaxOf(run) - epsilon) / (mean + std));
        return;
      }
      // Largest error of the window that neither an earlier window nor this
      // search flagged (no floor: on mirrored errors it may be negative).
      let nonAnomalousMax = -Infinity;
      for (let i = 0; i < len; i++) {
        const inRuns = i >= from - start && mask[i]!;
        if (!flagged[start + i] && !inRuns) nonAnomalousMax = Math.max(nonAnomalousMax, d[i]!);
      }
      const runMax = sequences.map(runMaxOf);
      const keep = pruneSequences(runMax, nonAnomalousMax, o.p);
      sequences.forEach((run, r) => {
        if (keep[r]) flag(run, (runMax[r]! - epsilon) / (mean + std));
      });
    });
    for (let i = from - start; i < len; i++) {
      if (!windowFlags[i]) continue;
      flagged[start + i] = 1;
      pointScore[start + i] = Math.max(pointScore[start + i]!, windowScores[i]!);
    }
  }

  const ranges = maskRuns(flagged).filter(([a, b]) => !o.dropSinglePoints || b > a);
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
