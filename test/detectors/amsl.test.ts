// AMSL: the seven views, Savitzky-Golay coefficients, and the detector on a small
// DSADS slice (fit, one score per segment, explain, save/load, seeds, bad input).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDsads } from '../../src/data/dsads.js';
import { createRng } from '../../src/data/random.js';
import { createSeries, stackSeries, type Series } from '../../src/data/series.js';
import { AmslDetector } from '../../src/detectors/amsl.js';
import { streamMatchesBatch } from '../helpers/stream-conformance.js';
import { createDetector, loadDetector } from '../../src/detectors/registry.js';
import {
  AMSL_SCALE_FACTORS,
  AMSL_VIEW_COUNT,
  amslViews,
  pieceBounds,
  viewTimeMap,
} from '../../src/models/amsl-views.js';
import { savitzkyGolay, savitzkyGolayCoefficients } from '../../src/models/savitzky-golay.js';
import { setNumThreads } from '../../src/engine/index.js';
import { dataset } from '../helpers/datasets.js';

const L = 125;
const S = 45;
const SIZE = L * S;

describe('Savitzky-Golay', () => {
  test('window 11, order 2: the textbook centre weights', () => {
    const centre = savitzkyGolayCoefficients(11, 2)[5]!;
    const expected = [-36, 9, 44, 69, 84, 89, 84, 69, 44, 9, -36].map((v) => v / 429);
    centre.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12, `weight ${i}`));
  });

  test('every row reproduces quadratics, so a quadratic is smoothed exactly, edges included', () => {
    const length = 40;
    const channels = 2;
    const x = new Float32Array(length * channels);
    for (let t = 0; t < length; t++) {
      x[t * channels] = 0.01 * t * t - 0.3 * t + 2;
      x[t * channels + 1] = -0.02 * (t - 20) ** 2 + 1;
    }
    const y = savitzkyGolay(x, length, channels, 11, 2);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y[i]! - x[i]!) < 1e-4, `value ${i}`);
  });

  test('bad window or order is refused', () => {
    assert.throws(() => savitzkyGolayCoefficients(10, 2), /odd/);
    assert.throws(() => savitzkyGolayCoefficients(5, 5), /order/);
  });
});

describe('AMSL views', () => {
  const n = 3;
  const length = 20;
  const sensors = 4;
  const size = length * sensors;
  const rng = createRng(5);
  const segments = Float32Array.from({ length: n * size }, () => rng.next() * 2 - 1);
  const orders: number[][] = [];
  const views = amslViews(segments, n, length, sensors, createRng(9), undefined, orders);
  const view = (v: number, i: number) => views.subarray((v * n + i) * size, (v * n + i + 1) * size);
  const seg = (i: number) => segments.subarray(i * size, (i + 1) * size);

  test('seven views of every segment, view-major', () => {
    assert.equal(AMSL_VIEW_COUNT, 7);
    assert.equal(views.length, 7 * n * size);
    for (let i = 0; i < n; i++) assert.deepEqual(view(0, i), seg(i));
  });

  test('negation and time reversal are exact', () => {
    for (let i = 0; i < n; i++) {
      const x = seg(i);
      view(2, i).forEach((v, j) => assert.equal(v, -x[j]!));
      for (let t = 0; t < length; t++) {
        for (let c = 0; c < sensors; c++) {
          assert.equal(view(3, i)[t * sensors + c], x[(length - 1 - t) * sensors + c]);
        }
      }
    }
  });

  test('permutation reorders five time pieces (not the identity); viewTimeMap inverts it', () => {
    assert.deepEqual(pieceBounds(length, 5), [0, 4, 8, 12, 16, 20]);
    for (let i = 0; i < n; i++) {
      assert.deepEqual([...orders[i]!].sort(), [0, 1, 2, 3, 4]);
      assert.notDeepEqual(orders[i], [0, 1, 2, 3, 4]);
      const map = viewTimeMap(4, length, orders[i]);
      for (let t = 0; t < length; t++) {
        for (let c = 0; c < sensors; c++) {
          assert.equal(view(4, i)[t * sensors + c], seg(i)[map[t]! * sensors + c]);
        }
      }
    }
  });

  test('scaling uses one factor of {0.5, 0.8, 1.5, 2}; noise has the asked SNR roughly', () => {
    for (let i = 0; i < n; i++) {
      const x = seg(i);
      const f = view(5, i)[0]! / x[0]!;
      assert.ok(AMSL_SCALE_FACTORS.some((g) => Math.abs(g - f) < 1e-6));
      view(5, i).forEach((v, j) => assert.ok(Math.abs(v - f * x[j]!) < 1e-5));
    }
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < n; i++) {
      seg(i).forEach((v, j) => {
        signal += v * v;
        noise += (view(1, i)[j]! - v) ** 2;
      });
    }
    const snr = 10 * Math.log10(signal / noise);
    assert.ok(Math.abs(snr - 5) < 1.5, `SNR ${snr} dB`);
  });

  test('the smoothed view is the Savitzky-Golay filter of the segment', () => {
    const y = savitzkyGolay(seg(1), length, sensors, 11, 2);
    view(6, 1).forEach((v, j) => assert.ok(Math.abs(v - y[j]!) < 1e-6));
  });
});

/** DSADS segments as rows of a Series (channels = 125 x 45). */
function rows(activities: number[], segments: number[]): Series {
  const list = readDsads(dataset('dsads'), { activities, persons: [1], segments });
  const { data } = stackSeries(list.map((s) => s.series));
  return createSeries({ data, channels: SIZE });
}
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const mean = (x: Float32Array) => x.reduce((a, b) => a + b, 0) / x.length;

describe('AMSL detector on DSADS (p1, 2 normal activities)', () => {
  const config = { epochs: 1, hidden: [16, 8, 8], memoryItems: 10, batchSize: 16 };
  let train: Series;
  let normalTest: Series;
  let abnormalTest: Series;
  let detector: AmslDetector;
  let scores: Float32Array;

  before(async () => {
    // Small convolutions run fastest on one thread, above all on a busy machine.
    setNumThreads(1);
    train = rows([1, 2], range(1, 30));
    normalTest = rows([1, 2], range(31, 36));
    abnormalTest = rows([5, 12], range(1, 6));
    detector = new AmslDetector(config);
    await detector.fit(train, { seed: 7 });
    scores = detector.score(normalTest);
  });

  test('one finite score per segment; abnormal activities score higher on average', () => {
    assert.equal(detector.channels, SIZE);
    assert.equal(scores.length, normalTest.length);
    assert.ok(scores.every((s) => Number.isFinite(s) && s >= 0));
    const abnormal = detector.score(abnormalTest);
    assert.equal(abnormal.length, 12);
    assert.ok(mean(abnormal) > mean(scores), `${mean(abnormal)} vs ${mean(scores)}`);
  });

  test('explain: per step and sensor, rows sum to the score; per-sensor totals', () => {
    const e = detector.explain(normalTest);
    assert.equal(e.length, normalTest.length * SIZE);
    for (let i = 0; i < normalTest.length; i++) {
      let s = 0;
      for (let j = 0; j < SIZE; j++) s += e[i * SIZE + j]!;
      assert.ok(Math.abs(s - scores[i]!) < 1e-3 * scores[i]!, `row ${i}`);
    }
    const perSensor = detector.explainSensors(normalTest);
    assert.equal(perSensor.length, normalTest.length * S);
    const total = perSensor.subarray(0, S).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - scores[0]!) < 1e-3 * scores[0]!);
  });

  test('scoring twice gives the same scores; so do scoreAsync and a saved and loaded model', async () => {
    assert.deepEqual(detector.score(normalTest), scores);
    assert.deepEqual(await detector.scoreAsync(normalTest), scores);
    const dir = mkdtempSync(join(tmpdir(), 'normalcy-amsl-'));
    try {
      detector.save(join(dir, 'model'));
      const loaded = loadDetector(join(dir, 'model'));
      assert.equal(loaded.name, 'amsl');
      assert.deepEqual(loaded.score(normalTest), scores);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same seed gives the same scores (through the registry)', async () => {
    const again = createDetector('amsl', config);
    await again.fit(train, { seed: 7 });
    assert.deepEqual(again.score(normalTest), scores);
  });

  test('early stopping monitors a seeded held-out share of the segments (opt-in)', async () => {
    assert.equal(detector.summary?.history[0]?.validationLoss, undefined, 'off by default');
    // A min delta no epoch can beat: the first epoch is the best, the second stops.
    const stopping = { ...config, epochs: 10, patience: 1, minDelta: 1e9, validationSplit: 0.25 };
    const a = new AmslDetector(stopping);
    const summary = await a.fit(train, { seed: 7 });
    assert.equal(summary.epochs, 2);
    assert.equal(summary.bestEpoch, 1);
    assert.ok(summary.stoppedEarly);
    const held = summary.history[0]?.validationLoss;
    assert.ok(held !== undefined && Number.isFinite(held) && held > 0);
    const b = new AmslDetector(stopping);
    assert.equal((await b.fit(train, { seed: 7 })).history[0]?.validationLoss, held);
    assert.deepEqual(b.score(normalTest), a.score(normalTest));
  });

  test('stream() gives the batch scores segment by segment, and resumes from a saved state', () => {
    streamMatchesBatch(detector, normalTest);
  });

  test('bad input is refused', async () => {
    assert.throws(() => new AmslDetector().score(normalTest), /not fitted/);
    assert.throws(
      () => detector.score(createSeries({ data: new Float32Array(2 * 100), channels: 100 })),
      /channel/,
    );
    const nan = new Float32Array(normalTest.data.slice(0, SIZE));
    nan[17] = NaN;
    assert.throws(() => detector.score(createSeries({ data: nan, channels: SIZE })), /NaN/);
    assert.throws(() => new AmslDetector({ segmentShape: [125, 0] }), /segmentShape/);
    assert.throws(() => new AmslDetector({ kernel: 4 }), /kernel/);
    assert.throws(() => new AmslDetector({ smoothingWindow: 10 }), /smoothingWindow/);
    assert.throws(() => new AmslDetector({ epochs: 0 }), /epochs/);
    await assert.rejects(
      new AmslDetector({ ...config, segmentShape: [100, 45] }).fit(train),
      /channel/,
    );
  });
});
