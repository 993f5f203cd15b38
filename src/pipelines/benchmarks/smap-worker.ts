// Worker process of the smap-msl benchmark (started with child_process.fork,
// NORMALCY_THREADS set by the parent): for each channel it is sent, runs the
// telemanom pipeline (../telemanom.ts: LSTM over every column, column 0
// forecast, errors, dynamic threshold) and sends back the flagged ranges and
// the smoothed errors.
import { readSeries } from '../../data/read-series.js';
import { telemanomEnsembleDetect, telemanomForecaster } from '../telemanom.js';
import type { Forecaster, ForecasterConfig } from '../../detectors/forecaster.js';
import type { TrainingSummary } from '../../detectors/detector.js';

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
  /** Models for the channel, seeds seed, seed + 1, ...; the threshold sees their mean error (default 1). */
  models?: number;
  /** Further forecaster fields (bench --set forecaster.field=value), over the above. */
  forecaster?: Partial<ForecasterConfig>;
}

export interface SmapJobResult {
  channel: string;
  /** Flagged ranges on the test series (inclusive). */
  ranges: [number, number][];
  /** Smoothed errors, one per test step (0 for the first `window` steps). */
  scores: Float32Array;
  /** The raw errors |y - yhat| the threshold saw, test steps window .. N - horizon - 1. */
  errors: Float32Array;
  trainSteps: number;
  testSteps: number;
  /** Epochs run (with several models: their mean). */
  epochs: number;
  /** The epoch whose weights were kept (early stopping restores the best; several models: the mean). */
  bestEpoch: number;
  /** Whether early stopping ended the training (several models: every one of them). */
  stoppedEarly: boolean;
  trainSeconds: number;
  seconds: number;
  maxRssMiB: number;
  threads: string;
}

export async function runSmapJob(job: SmapJob): Promise<SmapJobResult> {
  const t0 = performance.now();
  const train = readSeries(job.trainPath);
  const test = readSeries(job.testPath);
  const { hidden, window, horizon, trainShift, epochs } = job;
  const forecasters: Forecaster[] = [];
  const summaries: TrainingSummary[] = [];
  for (let k = 0; k < (job.models ?? 1); k++) {
    const forecaster = telemanomForecaster({
      hidden,
      window,
      horizon,
      trainShift,
      epochs,
      ...job.forecaster,
    });
    summaries.push(
      await forecaster.fit(train, {
        seed: job.seed + k,
        // Training does not return to the event loop, so the 'disconnect' handler
        // below cannot run: a worker whose parent died stops at the next epoch.
        onEpoch: () => {
          if (process.send !== undefined && !process.connected) process.exit(0);
        },
      }),
    );
    forecasters.push(forecaster);
  }
  // telemanom leaves C-2's start unflattened (its anomaly is early in the series).
  const { start, errors, threshold, ranges } = telemanomEnsembleDetect(
    forecasters,
    test,
    job.channel === 'C-2' ? { flattenFirst: 0 } : {},
  );
  const mean = (f: (s: TrainingSummary) => number) =>
    summaries.reduce((a, s) => a + f(s), 0) / summaries.length;
  const scores = new Float32Array(test.length);
  scores.set(threshold.smoothedErrors, start);
  return {
    channel: job.channel,
    ranges: ranges.map(([a, b]) => [a, b]),
    scores,
    errors,
    trainSteps: train.length,
    testSteps: test.length,
    epochs: mean((s) => s.epochs),
    bestEpoch: mean((s) => s.bestEpoch),
    stoppedEarly: summaries.every((s) => s.stoppedEarly),
    trainSeconds: summaries.reduce((a, s) => a + s.seconds, 0),
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
