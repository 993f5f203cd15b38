// The telemanom pipeline (Hundman et al., KDD 2018) for one channel, shared by
// the labelled-channels workflow and the smap-msl benchmark: an LSTM forecaster
// of the telemetry value, errors |y - yhat|, the non-parametric dynamic
// threshold, and the flagged ranges counted against the labelled ones.
import { column, type Series } from '../data/series.js';
import type { IndexRange } from '../data/ranges.js';
import { Forecaster, type ForecasterConfig } from '../detectors/forecaster.js';
import { eventCountsFromRanges, type EventCounts } from '../metrics/event-level.js';
import {
  dynamicThreshold,
  TELEMANOM_THRESHOLD,
  type DynamicThresholdOptions,
  type DynamicThresholdResult,
} from '../thresholds/dynamic-threshold.js';

/**
 * telemanom's forecaster settings: an LSTM over every column, forecasting
 * column 0 (the telemetry value; other columns are inputs), no scaling (the
 * data is already in [-1, 1]), batch 64, Adam 1e-3. `config` overrides them.
 */
export function telemanomForecaster(config: Partial<ForecasterConfig>): Forecaster {
  return new Forecaster({
    network: 'lstm',
    scaler: 'none',
    targets: [0],
    batchSize: 64,
    learningRate: 1e-3,
    ...config,
  });
}

/**
 * telemanom's errors: |y(t) - yhat(t)| of column 0, yhat(t) the one-step-ahead
 * forecast of the window just before t (telemanom's 'first' aggregation of the
 * overlapping horizon forecasts). The steps before the first forecast
 * (`firstForecastStep`) are left out, as in telemanom.
 */
export function telemanomErrors(forecaster: Forecaster, test: Series): Float32Array {
  const start = firstForecastStep(forecaster);
  const predicted = forecaster.predict(test);
  const width = forecaster.outputChannels;
  const value = column(test, 0);
  const out = new Float32Array(Math.max(0, test.length - start));
  for (let t = start; t < test.length; t++)
    out[t - start] = Math.abs(predicted[t * width]! - value[t]!);
  return out;
}

/** The first test step with a forecast: the window, in original steps. */
export function firstForecastStep(forecaster: Forecaster): number {
  const c = forecaster.config;
  return c.window * c.downsample;
}

/**
 * Steps at the start of the errors never flagged, by telemanom's rule: twice the
 * input length, only the input length for test series under 2,500 steps, none
 * under 1,800 (short series would otherwise lose much of their test data).
 */
export function telemanomIgnoredSteps(testSteps: number, window: number): number {
  if (testSteps < 1800) return 0;
  return testSteps < 2500 ? window : 2 * window;
}

export interface TelemanomThresholdOptions extends Omit<
  DynamicThresholdOptions,
  'values' | 'zRange'
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
}

/**
 * Errors -> dynamic threshold -> flagged ranges for a fitted telemanom forecaster.
 * The threshold takes telemanom's settings (TELEMANOM_THRESHOLD, ignored steps by
 * telemanomIgnoredSteps) unless `options` says otherwise.
 */
export function telemanomDetect(
  forecaster: Forecaster,
  test: Series,
  options: TelemanomThresholdOptions = {},
): TelemanomDetection {
  const start = firstForecastStep(forecaster);
  if (test.length - start < 2)
    throw new Error(`the test series (${test.length} steps) is not longer than the window`);
  const errors = telemanomErrors(forecaster, test);
  const { scaleChecks = true, ...thresholdOptions } = options;
  const threshold = dynamicThreshold(errors, {
    ...TELEMANOM_THRESHOLD,
    ignoreFirst: telemanomIgnoredSteps(test.length, forecaster.config.window),
    ...thresholdOptions,
    values: scaleChecks ? column(test, 0).subarray(start) : undefined,
  });
  const ranges = threshold.ranges.map(([a, b]): IndexRange => [a + start, b + start]);
  return { start, errors, threshold, ranges };
}

/** Event-level counts of flagged ranges against labelled ones (both inclusive). */
export function telemanomEvents(
  predicted: readonly IndexRange[],
  labelled: readonly IndexRange[],
): EventCounts {
  return eventCountsFromRanges(
    predicted.map(([start, end]) => ({ start, end })),
    labelled.map(([start, end]) => ({ start, end })),
  );
}
