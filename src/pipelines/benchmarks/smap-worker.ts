// Worker process of the smap-msl benchmark (started with child_process.fork,
// NORMALCY_THREADS set by the parent): for each channel it is sent, runs the
// telemanom pipeline (../telemanom.ts: LSTM over every column, column 0
// forecast, errors, dynamic threshold) and sends back the flagged ranges and
// the smoothed errors.
import { readSeries } from '../../data/read-series.js';
import { telemanomDetect, telemanomForecaster } from '../telemanom.js';
import type { ForecasterConfig } from '../../detectors/forecaster.js';

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
  epochs: number;
  /** The epoch whose weights were kept (early stopping restores the best). */
  bestEpoch: number;
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
  const forecaster = telemanomForecaster({
    hidden,
    window,
    horizon,
    trainShift,
    epochs,
    ...job.forecaster,
  });
  const summary = await forecaster.fit(train, {
    seed: job.seed,
    // Training does not return to the event loop, so the 'disconnect' handler
    // below cannot run: a worker whose parent died stops at the next epoch.
    onEpoch: () => {
      if (process.send !== undefined && !process.connected) process.exit(0);
    },
  });
  // telemanom leaves C-2's start unflattened (its anomaly is early in the series).
  const { start, errors, threshold, ranges } = telemanomDetect(
    forecaster,
    test,
    job.channel === 'C-2' ? { flattenFirst: 0 } : {},
  );
  const scores = new Float32Array(test.length);
  scores.set(threshold.smoothedErrors, start);
  return {
    channel: job.channel,
    ranges: ranges.map(([a, b]) => [a, b]),
    scores,
    errors,
    trainSteps: train.length,
    testSteps: test.length,
    epochs: summary.epochs,
    bestEpoch: summary.bestEpoch,
    stoppedEarly: summary.stoppedEarly,
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
