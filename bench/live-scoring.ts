// Live scoring cost per point: the default forecaster (LSTM, window 50, hidden 64) on one
// thread, its incremental stream() against re-scoring a buffer of window + 1 rows per point
// (what live scoring cost before stream()), and the re-scoring stream of the autoencoder
// and a baseline for comparison. Timings on a loaded machine say little: rerun quietly.
// Usage: node dist/bench/live-scoring.js [--points 5000]
import { setNumThreads } from '../src/engine/index.js';
import { generateSine } from '../src/data/sine.js';
import { createSeries, sliceRows } from '../src/data/series.js';
import { Forecaster } from '../src/detectors/forecaster.js';
import { Autoencoder } from '../src/detectors/autoencoder.js';
import { PcaDetector } from '../src/detectors/baselines/pca.js';
import type { Detector } from '../src/detectors/detector.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const points = arg('--points', 5000);
setNumThreads(1);

const train = generateSine({ length: 4000, seed: 1 });
const test = generateSine({ length: points + 1000, seed: 2, anomalyFrom: points });

/** Mean milliseconds per pushed row after `warm` rows. */
function streamCost(d: Detector, n: number, warm = 200): number {
  const live = d.stream();
  for (let t = 0; t < warm; t++) live.push(test.data.subarray(t, t + 1));
  const started = performance.now();
  for (let t = warm; t < warm + n; t++) live.push(test.data.subarray(t, t + 1));
  return (performance.now() - started) / n;
}

/** Mean milliseconds per pushed row when rows come `chunk` at a time (pushMany). */
function chunkCost(d: Detector, n: number, chunk: number, warm = 200): number {
  const live = d.stream();
  live.pushMany(test.data.slice(0, warm));
  const started = performance.now();
  for (let t = warm; t < warm + n; t += chunk) live.pushMany(test.data.slice(t, t + chunk));
  return (performance.now() - started) / n;
}

/** Mean milliseconds per point when each point re-scores the last `rows` rows. */
function rescoreCost(d: Detector, rows: number, n: number): number {
  const started = performance.now();
  for (let t = rows; t < rows + n; t++) {
    const s = d.score(createSeries({ data: test.data.subarray(t - rows, t), channels: 1 }));
    if (!(s[rows - 1]! >= 0)) throw new Error('bad score');
  }
  return (performance.now() - started) / n;
}

const forecaster = new Forecaster({ epochs: 1 });
await forecaster.fit(sliceRows(train, 0, 4000), { seed: 1 });
const window = forecaster.config.window;
const incremental = streamCost(forecaster, points);
const rescored = rescoreCost(forecaster, window + 1, Math.min(points, 1000));
console.log(
  `forecaster (default: LSTM, window ${window}, hidden ${forecaster.config.hidden.join('x')}), 1 thread:`,
);
console.log(`  stream(): ${(incremental * 1000).toFixed(1)} us per point (${points} points)`);
console.log(
  `  re-scoring a ${window + 1}-row buffer: ${(rescored * 1000).toFixed(1)} us per point`,
);
console.log(`  ratio: ${(rescored / incremental).toFixed(1)}x`);
for (const chunk of [10, 100]) {
  const c = chunkCost(forecaster, points, chunk);
  console.log(
    `  pushMany, ${chunk} rows at a time: ${(c * 1000).toFixed(1)} us per point (${(rescored / c).toFixed(1)}x below re-scoring)`,
  );
}

const ae = new Autoencoder({ epochs: 1 });
await ae.fit(train, { seed: 1 });
console.log(
  `autoencoder (default, dense, window ${ae.config.window}): stream() ${(streamCost(ae, 2000) * 1000).toFixed(1)} us per point`,
);
const pca = new PcaDetector({ window: 25 });
await pca.fit(train, { seed: 1 });
console.log(`pca (window 25): stream() ${(streamCost(pca, 2000) * 1000).toFixed(1)} us per point`);
