// Live scoring cost per point: the default forecaster (LSTM, window 50, hidden 64) on one
// thread, its incremental stream() against re-scoring a buffer of window + 1 rows per point
// (what live scoring cost before stream()), and the re-scoring stream of the autoencoder
// and a baseline for comparison. Each figure is wall time and, in brackets, this process's
// CPU time per point (less sensitive to other processes on a loaded machine, though caches
// and shared cores still slow it): rerun on a quiet machine for the figures that count.
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

/** Microseconds per point, wall and CPU, of `points` points that `run` processes. */
interface Cost {
  wall: number;
  cpu: number;
}
function measure(points: number, run: () => void): Cost {
  const started = performance.now();
  const cpu = process.cpuUsage();
  run();
  const used = process.cpuUsage(cpu);
  return {
    wall: ((performance.now() - started) * 1000) / points,
    cpu: (used.user + used.system) / points,
  };
}
const us = (c: Cost) => `${c.wall.toFixed(1)} us (cpu ${c.cpu.toFixed(1)} us)`;
const times = (slow: Cost, fast: Cost) =>
  `${(slow.wall / fast.wall).toFixed(1)}x (cpu ${(slow.cpu / fast.cpu).toFixed(1)}x)`;

/** Cost per pushed row after `warm` rows. */
function streamCost(d: Detector, n: number, warm = 200): Cost {
  const live = d.stream();
  for (let t = 0; t < warm; t++) live.push(test.data.subarray(t, t + 1));
  return measure(n, () => {
    for (let t = warm; t < warm + n; t++) live.push(test.data.subarray(t, t + 1));
  });
}

/** Cost per pushed row when rows come `chunk` at a time (pushMany). */
function chunkCost(d: Detector, n: number, chunk: number, warm = 200): Cost {
  const live = d.stream();
  live.pushMany(test.data.slice(0, warm));
  return measure(n, () => {
    for (let t = warm; t < warm + n; t += chunk) live.pushMany(test.data.slice(t, t + chunk));
  });
}

/** Cost per point when each point re-scores the last `rows` rows. */
function rescoreCost(d: Detector, rows: number, n: number): Cost {
  return measure(n, () => {
    for (let t = rows; t < rows + n; t++) {
      const s = d.score(createSeries({ data: test.data.subarray(t - rows, t), channels: 1 }));
      if (!(s[rows - 1]! >= 0)) throw new Error('bad score');
    }
  });
}

const forecaster = new Forecaster({ epochs: 1 });
await forecaster.fit(sliceRows(train, 0, 4000), { seed: 1 });
const window = forecaster.config.window;
const incremental = streamCost(forecaster, points);
const rescored = rescoreCost(forecaster, window + 1, Math.min(points, 1000));
console.log(
  `forecaster (default: LSTM, window ${window}, hidden ${forecaster.config.hidden.join('x')}), 1 thread:`,
);
console.log(`  stream(): ${us(incremental)} per point (${points} points; goal < 200 us)`);
console.log(`  re-scoring a ${window + 1}-row buffer: ${us(rescored)} per point`);
console.log(`  ratio: ${times(rescored, incremental)} (goal >= 10x)`);
for (const chunk of [10, 100]) {
  const c = chunkCost(forecaster, points, chunk);
  console.log(
    `  pushMany, ${chunk} rows at a time: ${us(c)} per point (${times(rescored, c)} below re-scoring)`,
  );
}

const ae = new Autoencoder({ epochs: 1 });
await ae.fit(train, { seed: 1 });
console.log(
  `autoencoder (default, dense, window ${ae.config.window}): stream() ${us(streamCost(ae, Math.min(points, 2000)))} per point`,
);
const pca = new PcaDetector({ window: 25 });
await pca.fit(train, { seed: 1 });
console.log(`pca (window 25): stream() ${us(streamCost(pca, Math.min(points, 2000)))} per point`);
