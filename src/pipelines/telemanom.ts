// The telemanom pipeline (Hundman et al., KDD 2018) for one channel, shared by
// the labelled-channels workflow and the smap-msl benchmark: an LSTM forecaster
// of the telemetry value, errors |y - yhat|, the non-parametric dynamic
// threshold, and the flagged ranges counted against the labelled ones.
import { column, type Series } from '../data/series.js';
import type { IndexRange } from '../data/ranges.js';
import { detectIncidents } from '../alarms/detect-incidents.js';
import type { EventRules } from '../alarms/event-rules.js';
import type { Incident } from '../alarms/incident.js';
import { Forecaster, type ForecasterConfig } from '../detectors/forecaster.js';
import { eventCountsFromRanges, type EventCounts } from '../metrics/event-level.js';
import {
  dynamicThreshold,
  TELEMANOM_THRESHOLD,
  telemanomStartup,
  type DynamicThresholdOptions,
  type DynamicThresholdResult,
} from '../thresholds/dynamic-threshold.js';

/**
 * telemanom's training (its config.yaml): up to 35 epochs, early stopping when
 * the loss on a shuffled 20% of the training windows has not dropped by 3e-4
 * for 10 epochs, dropout 0.3 after each LSTM layer, batch 64, Adam 1e-3.
 */
export const TELEMANOM_TRAINING = {
  epochs: 35,
  patience: 10,
  minDelta: 3e-4,
  validationSplit: 0.2,
  dropout: 0.3,
  batchSize: 64,
  learningRate: 1e-3,
} as const satisfies Partial<ForecasterConfig>;

/**
 * telemanom's forecaster settings: an LSTM over every column, forecasting
 * column 0 (the telemetry value; other columns are inputs), no scaling (the
 * data is already in [-1, 1]), trained as TELEMANOM_TRAINING. `config`
 * overrides them.
 */
export function telemanomForecaster(config: Partial<ForecasterConfig>): Forecaster {
  return new Forecaster({
    network: 'lstm',
    scaler: 'none',
    targets: [0],
    ...TELEMANOM_TRAINING,
    ...config,
  });
}

/**
 * telemanom's errors: |y(t) - yhat(t)| of column 0, yhat(t) the one-step-ahead
 * forecast of the window just before t (telemanom's 'first' aggregation of the
 * overlapping horizon forecasts). As in telemanom, the steps before the first
 * forecast (`firstForecastStep`) are left out, and so are the last `horizon`
 * steps (telemanom keeps a step only when all its forecast targets are in the
 * series): N - window - horizon errors.
 */
export function telemanomErrors(forecaster: Forecaster, test: Series): Float32Array {
  const start = firstForecastStep(forecaster);
  const end = test.length - forecastHorizonSteps(forecaster);
  const predicted = forecaster.predict(test);
  const width = forecaster.outputChannels;
  const value = column(test, 0);
  const out = new Float32Array(Math.max(0, end - start));
  for (let t = start; t < end; t++) out[t - start] = Math.abs(predicted[t * width]! - value[t]!);
  return out;
}

/** The first test step with a forecast: the window, in original steps. */
export function firstForecastStep(forecaster: Forecaster): number {
  const c = forecaster.config;
  return c.window * c.downsample;
}

/** The forecast horizon, in original steps. */
export function forecastHorizonSteps(forecaster: Forecaster): number {
  const c = forecaster.config;
  return c.horizon * c.downsample;
}

export interface TelemanomThresholdOptions extends Omit<
  DynamicThresholdOptions,
  'values' | 'valuesHorizon' | 'zRange'
> {
  /** Pass the test values for telemanom's scale checks. Default true. */
  scaleChecks?: boolean;
}

export interface TelemanomDetection {
  /** First test step with an error: errors[i] and threshold.smoothedErrors[i] are step start + i. */
  start: number;
  /** The raw errors |y - yhat| the threshold saw. */
  errors: Float32Array;
  /** The dynamic threshold's result (its ranges count from `start`). */
  threshold: DynamicThresholdResult;
  /** Flagged ranges in test steps (inclusive). */
  ranges: IndexRange[];
  /**
   * The same ranges as incidents (the alarms layer consuming the dynamic threshold's
   * flags): peak, severity against the median window epsilon, in test steps.
   */
  incidents: Incident[];
}

/**
 * Errors -> dynamic threshold -> flagged ranges for a fitted telemanom forecaster.
 * The threshold takes telemanom's settings unless `options` says otherwise:
 * TELEMANOM_THRESHOLD, the start-of-series rules of telemanomStartup on the
 * error length (telemanom skips the flattening on C-2 only: pass
 * `flattenFirst: 0` there), and scale checks over each step's `horizon`
 * forecast targets.
 */
export function telemanomDetect(
  forecaster: Forecaster,
  test: Series,
  options: TelemanomThresholdOptions = {},
): TelemanomDetection {
  return telemanomEnsembleDetect([forecaster], test, options);
}

/**
 * telemanomDetect for an ensemble: forecasters of the same window and horizon
 * (e.g. trained with different seeds), the threshold on the mean of their errors.
 * Averaging keeps what every model gets wrong and damps what one gets wrong alone.
 */
export function telemanomEnsembleDetect(
  forecasters: readonly Forecaster[],
  test: Series,
  options: TelemanomThresholdOptions = {},
): TelemanomDetection {
  const first = forecasters[0];
  if (!first) throw new Error('telemanomEnsembleDetect: no forecaster given');
  const start = firstForecastStep(first);
  const horizon = forecastHorizonSteps(first);
  if (
    forecasters.some((f) => firstForecastStep(f) !== start || forecastHorizonSteps(f) !== horizon)
  )
    throw new Error('telemanomEnsembleDetect: the forecasters differ in window or horizon');
  if (test.length - start - horizon < 2)
    throw new Error(
      `the test series (${test.length} steps) is not longer than the window and the horizon (${start} + ${horizon})`,
    );
  const errors = meanErrors(
    forecasters.map((f) => telemanomErrors(f, test)),
    'telemanomEnsembleDetect',
  );
  return telemanomThreshold(errors, test, { start, horizon, window: first.config.window }, options);
}

/** Element-wise mean of several error arrays of one series (runs or models); `what` names them in errors. */
export function meanErrors(runs: readonly Float32Array[], what: string): Float32Array {
  const first = runs[0];
  if (!first) throw new Error(`${what}: no errors to average`);
  if (runs.length === 1) return first;
  const differing = runs.find((r) => r.length !== first.length);
  if (differing)
    throw new Error(`${what}: error arrays of ${first.length} and ${differing.length} steps`);
  const out = new Float32Array(first.length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const r of runs) sum += r[i]!;
    out[i] = sum / runs.length;
  }
  return out;
}

/** Where a forecaster's errors sit in the test series (in original steps). */
export interface ErrorLayout {
  /** Test step of errors[0]. */
  start: number;
  /** Forecast horizon (the scale checks use each step's horizon targets). */
  horizon: number;
  /** The input window (telemanomStartup's length). */
  window: number;
}

/**
 * The threshold part of telemanomDetect on errors already computed (e.g. saved
 * by a benchmark run): telemanom's threshold settings, start-up rules and
 * scale checks unless `options` says otherwise.
 */
export function telemanomThreshold(
  errors: Float32Array,
  test: Series,
  layout: ErrorLayout,
  options: TelemanomThresholdOptions = {},
): TelemanomDetection {
  const { start, horizon, window } = layout;
  if (start + errors.length + horizon > test.length)
    throw new RangeError(
      `telemanomThreshold: ${errors.length} errors from step ${start} with horizon ${horizon} do not fit a test series of ${test.length} steps`,
    );
  const { scaleChecks = true, ...thresholdOptions } = options;
  const threshold = dynamicThreshold(errors, {
    ...TELEMANOM_THRESHOLD,
    ...telemanomStartup(errors.length, window),
    ...thresholdOptions,
    values: scaleChecks
      ? column(test, 0).subarray(start, start + errors.length + horizon - 1)
      : undefined,
    valuesHorizon: scaleChecks ? horizon : 1,
  });
  const ranges = threshold.ranges.map(([a, b]): IndexRange => [a + start, b + start]);
  return { start, errors, threshold, ranges, incidents: telemanomIncidents(threshold, start) };
}

/** The median of the windows' epsilons (0 when none is finite): severity's reference. */
export function medianEpsilon(threshold: DynamicThresholdResult): number {
  const epsilons = threshold.epsilons.map((e) => e.epsilon).sort((a, b) => a - b);
  const reference = epsilons.length > 0 ? epsilons[Math.floor(epsilons.length / 2)]! : 0;
  return Number.isFinite(reference) ? reference : 0;
}

/**
 * Incidents from the dynamic threshold's flagged ranges, shifted to test steps.
 * By default one per range (no merging, no length rule: telemanom's own pruning
 * already ran); `rules` applies the alarms layer's rules on top.
 */
export function telemanomIncidents(
  threshold: DynamicThresholdResult,
  start: number,
  rules: Partial<EventRules> = { mergeGap: 0, minLength: 1 },
): Incident[] {
  const errors = threshold.smoothedErrors;
  const flags = new Uint8Array(errors.length);
  for (const [a, b] of threshold.ranges) flags.fill(1, a, b + 1);
  const { incidents } = detectIncidents(errors, {
    threshold: medianEpsilon(threshold),
    flags,
    rules: { mergeGap: 0, minLength: 1, ...rules },
  });
  return incidents.map((i) => ({
    ...i,
    start: i.start + start,
    end: i.end + start,
    peakStep: i.peakStep + start,
  }));
}

/** telemanom's counts, and the lenient ones beside them. */
export interface TelemanomEventCounts extends EventCounts {
  /** Counts crediting every labelled range a prediction overlaps (fp is the same). */
  lenient: EventCounts;
}

/**
 * Event-level counts of flagged ranges against labelled ones (both inclusive),
 * as telemanom's code counts them: a prediction is a TP for the first labelled
 * range, in the label row's order (`labelled` as listed), that it overlaps;
 * `lenient` credits every labelled range it overlaps.
 */
export function telemanomEvents(
  predicted: readonly IndexRange[],
  labelled: readonly IndexRange[],
): TelemanomEventCounts {
  const p = predicted.map(([start, end]) => ({ start, end }));
  const l = labelled.map(([start, end]) => ({ start, end }));
  return {
    ...eventCountsFromRanges(p, l, { credit: 'first' }),
    lenient: eventCountsFromRanges(
      p,
      [...l].sort((a, b) => a.start - b.start),
    ),
  };
}
