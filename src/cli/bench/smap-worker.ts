// Worker process of the smap-msl benchmark (started with child_process.fork,
// NORMALCY_THREADS set by the parent): for each channel it is sent, trains the
// LSTM forecaster on the training series (every column in: the telemetry value
// and the one-hot command flags, as telemanom does; column 0 forecast), computes
// the per-step errors of column 0 on the test series, applies telemanom's
// dynamic threshold, and sends back the flagged ranges and the smoothed errors.
import { readSeries } from '../../data/read-series.js';
import { column, type Series } from '../../data/series.js';
import { Forecaster } from '../../detectors/forecaster.js';
import { dynamicThreshold, TELEMANOM_THRESHOLD } from '../../thresholds/dynamic-threshold.js';

export interface SmapJob {
  channel: string;
  trainPath: string;
  testPath: string;
  hidden: number[];
  epochs: number;
  trainShift: number;
  window: number;
  horizon: number;
  seed: number;
}

export interface SmapJobResult {
  channel: string;
  /** Flagged ranges on the test series (inclusive). */
  ranges: [number, number][];
  /** Smoothed errors, one per test step (0 for the first `window` steps). */
  scores: Float32Array;
  /** The raw errors |y - yhat| the threshold saw, from step `window` on. */
  errors: Float32Array;
  trainSteps: number;
  testSteps: number;
  epochs: number;
  trainSeconds: number;
  seconds: number;
  maxRssMiB: number;
  threads: string;
}

/** The benchmark's LSTM forecaster, not yet fitted. */
export function smapForecaster(
  job: Pick<SmapJob, 'hidden' | 'window' | 'horizon' | 'trainShift' | 'epochs'>,
): Forecaster {
  // The telemetry is already scaled to [-1, 1] by telemanom's preprocessing.
  return new Forecaster({
    network: 'lstm',
    hidden: job.hidden,
    window: job.window,
    horizon: job.horizon,
    trainShift: job.trainShift,
    scaler: 'none',
    // Only the telemetry value is forecast and scored; other columns are inputs.
    targets: [0],
    epochs: job.epochs,
    batchSize: 64,
    learningRate: 1e-3,
  });
}

/**
 * telemanom's errors: |y(t) - yhat(t)| of column 0, yhat(t) the one-step-ahead
 * forecast of the window just before t (telemanom's 'first' aggregation of the
 * overlapping horizon forecasts). The first `window` steps have no forecast and
 * are left out, as in telemanom.
 */
export function smapErrors(forecaster: Forecaster, test: Series, window: number): Float32Array {
  const predicted = forecaster.predict(test);
  const width = forecaster.outputChannels;
  const value = column(test, 0);
  const out = new Float32Array(test.length - window);
  for (let t = window; t < test.length; t++)
    out[t - window] = Math.abs(predicted[t * width]! - value[t]!);
  return out;
}

/**
 * Steps at the start of the errors never flagged, by telemanom's rule: twice the
 * input length, only the input length for test series under 2,500 steps, none
 * under 1,800 (short series would otherwise lose much of their test data).
 */
export function smapIgnoredSteps(testSteps: number, window: number): number {
  if (testSteps < 1800) return 0;
  return testSteps < 2500 ? window : 2 * window;
}

export async function runSmapJob(job: SmapJob): Promise<SmapJobResult> {
  const t0 = performance.now();
  const train = readSeries(job.trainPath);
  const test = readSeries(job.testPath);
  const value = column(test, 0);
  const forecaster = smapForecaster(job);
  const summary = await forecaster.fit(train, { seed: job.seed });
  const errors = smapErrors(forecaster, test, job.window);
  const result = dynamicThreshold(errors, {
    ...TELEMANOM_THRESHOLD,
    values: value.subarray(job.window),
    ignoreFirst: smapIgnoredSteps(test.length, job.window),
  });
  const scores = new Float32Array(test.length);
  scores.set(result.smoothedErrors, job.window);
  return {
    channel: job.channel,
    ranges: result.ranges.map(([a, b]) => [a + job.window, b + job.window]),
    scores,
    errors,
    trainSteps: train.length,
    testSteps: test.length,
    epochs: summary.epochs,
    trainSeconds: summary.seconds,
    seconds: (performance.now() - t0) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    threads: process.env.NORMALCY_THREADS ?? 'default',
  };
}

if (process.send !== undefined && process.argv.includes('--normalcy-smap-worker')) {
  // A parent that dies (or is killed) takes its workers with it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: { job?: SmapJob; done?: boolean }) => {
    if (msg.done) {
      process.disconnect();
      return;
    }
    if (!msg.job) return;
    runSmapJob(msg.job).then(
      (result) => process.send!({ result }),
      (err: Error) => process.send!({ error: `${msg.job!.channel}: ${err.message}` }),
    );
  });
  process.send({ ready: true });
}
