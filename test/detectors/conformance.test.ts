// The conformance suite every registered detector passes, like scikit-learn's
// estimator checks: shapes, save/load round trip, seed determinism, bad input
// refused, and an AUC floor on data of its shape (the sine series, or rows of
// images or sensor segments). The cases come from the registry entries.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSeries } from '../../src/data/read-series.js';
import { sliceRows, createSeries, type Series } from '../../src/data/series.js';
import {
  createDetector,
  detectorEntry,
  detectorNames,
  loadDetector,
  type ConformanceCase,
} from '../../src/detectors/registry.js';
import { createRng, type Rng } from '../../src/data/random.js';
import { streamMatchesBatch } from '../helpers/stream-conformance.js';
import { rocAuc } from '../../src/metrics/roc.js';
import { readMnistImages, readMnistLabels } from '../../src/data/idx.js';
import { dataset } from '../helpers/datasets.js';
import { modelFilePath } from '../../src/detectors/model-dir.js';

interface Case {
  name: string;
  detector: string;
  data: ConformanceCase['data'];
  config: Record<string, unknown>;
  aucFloor: number;
  signedScores?: boolean;
}

// Every registered detector with the small config its registry entry supplies,
// so a detector added to the registry is covered without touching this file;
// then more network variants of the forecaster and the autoencoder.
const smoothing = { kind: 'moving-average', span: 100 };
const series = { data: 'series', aucFloor: 0.95 } as const;
const cases: Case[] = [
  ...detectorNames().map((name) => ({ name, detector: name, ...detectorEntry(name).conformance })),
  {
    name: 'dense forecaster',
    detector: 'forecaster',
    ...series,
    config: {
      network: 'dense',
      hidden: [32, 16, 32],
      window: 25,
      horizon: 5,
      downsample: 4,
      trainShift: 2,
      epochs: 3,
      smoothing,
    },
  },
  {
    name: 'GRU forecaster',
    detector: 'forecaster',
    ...series,
    // The registry's forecaster case with a GRU.
    config: { ...detectorEntry('forecaster').conformance.config, network: 'gru' },
  },
  {
    name: 'stacked forecaster with batch norm',
    detector: 'forecaster',
    ...series,
    aucFloor: 0.9,
    config: {
      network: 'stacked',
      hidden: [8, 8],
      batchNorm: true,
      window: 25,
      horizon: 5,
      downsample: 4,
      trainShift: 4,
      epochs: 2,
      smoothing,
    },
  },
  {
    name: 'LSTM autoencoder',
    detector: 'autoencoder',
    ...series,
    config: {
      network: 'lstm',
      hidden: [],
      bottleneck: 8,
      window: 12,
      downsample: 8,
      trainShift: 2,
      epochs: 2,
      learningRate: 0.01,
      batchSize: 64,
      smoothing,
    },
  },
  {
    name: 'conv1d autoencoder',
    detector: 'autoencoder',
    ...series,
    config: {
      network: 'conv1d',
      hidden: [8],
      bottleneck: 4,
      kernel: 5,
      window: 16,
      downsample: 8,
      trainShift: 4,
      epochs: 3,
      learningRate: 0.01,
      batchSize: 64,
      smoothing,
    },
  },
  // The self-join compares the test series with itself: the doubled half repeats, so only
  // the change point is a discord (its own AUC floor is tested in discord.test.ts).
  {
    name: 'discord self-join',
    detector: 'discord',
    ...series,
    aucFloor: 0.5,
    config: { window: 25, join: 'self', normalization: 'mean', downsample: 4, smoothing },
  },
];

interface Data {
  train: Series;
  validation: Series;
  test: Series;
  labels: Uint8Array;
}

// Slices of the sine data: 40,000 normal steps; abnormal steps 150,000-170,000
// where the amplitude doubles from step 160,000 (index 10,000 of the slice).
let cache: Data | undefined;
function sine(): Data {
  if (!cache) {
    const normal = readSeries(dataset('sine', 'normal.csv'));
    const abn = readSeries(dataset('sine', 'abn.csv'));
    const test = sliceRows(abn, 150_000, 170_000);
    const labels = new Uint8Array(test.length);
    labels.fill(1, 10_000);
    cache = {
      train: sliceRows(normal, 0, 32_000),
      validation: sliceRows(normal, 32_000, 40_000),
      test,
      labels,
    };
  }
  return cache;
}

/**
 * Rows of `size` values: `normal(rng, row)` fills a normal row, `anomaly` an
 * anomalous one; 300 training rows, 60 validation rows, and a test set of 80
 * normal then 80 anomalous rows.
 */
function rowsData(size: number, normal: RowMaker, anomaly: RowMaker): Data {
  const rng = createRng(11);
  const make = (n: number, fill: RowMaker) => {
    const data = new Float32Array(n * size);
    for (let i = 0; i < n; i++) fill(rng, data.subarray(i * size, (i + 1) * size));
    return data;
  };
  const test = new Float32Array(160 * size);
  test.set(make(80, normal));
  test.set(make(80, anomaly), 80 * size);
  const labels = new Uint8Array(160).fill(1, 80);
  return {
    train: createSeries({ data: make(300, normal), channels: size }),
    validation: createSeries({ data: make(60, normal), channels: size }),
    test: createSeries({ data: test, channels: size }),
    labels,
  };
}
type RowMaker = (rng: Rng, row: Float32Array) => void;

// MNIST images (rows of 28 x 28 pixels): digit 0 is normal, the other digits are not.
// 300 training zeros, 60 validation zeros, and a test set of 80 zeros then 80 others.
let images: Data | undefined;
function imageRows(): Data {
  if (images) return images;
  const pixels = 28 * 28;
  const all = readMnistImages(dataset('mnist', 'train-images-idx3-ubyte.gz'));
  const digits = readMnistLabels(dataset('mnist', 'train-labels-idx1-ubyte.gz'));
  const pick = (zero: boolean, n: number, from: number) => {
    const out = new Float32Array(n * pixels);
    for (let i = from, k = 0; k < n; i++) {
      if ((digits[i] === 0) !== zero) continue;
      out.set(all.data.subarray(i * pixels, (i + 1) * pixels), k++ * pixels);
    }
    return out;
  };
  const test = new Float32Array(160 * pixels);
  test.set(pick(true, 80, 30_000));
  test.set(pick(false, 80, 30_000), 80 * pixels);
  images = {
    train: createSeries({ data: pick(true, 300, 0), channels: pixels }),
    validation: createSeries({ data: pick(true, 60, 20_000), channels: pixels }),
    test: createSeries({ data: test, channels: pixels }),
    labels: new Uint8Array(160).fill(1, 80),
  };
  return images;
}

// 16-step, 3-sensor segments (time-major): sines of 1, 2 and 3 cycles are normal;
// square waves of twice the amplitude are not.
let segments: Data | undefined;
function segmentRows(): Data {
  const wave = (square: boolean) => (rng: Rng, row: Float32Array) => {
    const phase = rng.next() * 2 * Math.PI;
    for (let t = 0; t < 16; t++)
      for (let k = 0; k < 3; k++) {
        const v = Math.sin((2 * Math.PI * (k + 1) * t) / 16 + phase);
        row[t * 3 + k] = (square ? 2 * Math.sign(v) : v) + 0.05 * (rng.next() - 0.5);
      }
  };
  segments ??= rowsData(48, wave(false), wave(true));
  return segments;
}

const dataFor = (c: Case): Data =>
  c.data === 'series' ? sine() : c.data === 'images' ? imageRows() : segmentRows();

for (const c of cases) {
  describe(`conformance: ${c.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'normalcy-conf-'));
    let first: Float32Array;

    test('fits on normal data and scores one value per step, higher on the anomaly (AUC floor)', async () => {
      const { train, validation, test: x, labels } = dataFor(c);
      const d = createDetector(c.detector, c.config);
      const epochs: number[] = [];
      const summary = await d.fit(train, {
        validation,
        seed: 7,
        onEpoch: (r) => epochs.push(r.epoch),
      });
      assert.ok(summary.epochs >= 1 && epochs.length === summary.epochs);
      assert.ok(
        summary.history.every((h) => Number.isFinite(h.loss) && h.validationLoss !== undefined),
      );
      first = d.score(x);
      assert.equal(first.length, x.length);
      assert.ok(first.every((v) => Number.isFinite(v)));
      // Errors and distances are never negative; an SVM's minus decision value can be.
      if (!c.signedScores) assert.ok(first.every((v) => v >= 0));
      const contributions = d.explain(x);
      assert.equal(contributions.length, x.length * x.channels);
      const auc = rocAuc(first, labels);
      assert.ok(auc >= c.aucFloor, `AUC ${auc} below the floor ${c.aucFloor}`);
      d.save(join(dir, 'model'));
    });

    test('save/load round trip gives identical scores', () => {
      const loaded = loadDetector(join(dir, 'model'));
      const again = loaded.score(dataFor(c).test);
      assert.deepEqual(again, first);
    });

    test('the same seed gives the same scores', async () => {
      const { train, validation, test: x } = dataFor(c);
      const d = createDetector(c.detector, c.config);
      await d.fit(train, { validation, seed: 7 });
      assert.deepEqual(d.score(x), first);
    });

    test('NaN, empty and wrong-channel input are refused with a clear error', () => {
      const d = loadDetector(join(dir, 'model'));
      const x = dataFor(c).test;
      const ch = x.channels;
      const withNaN = new Float32Array(x.data.subarray(0, 130 * ch));
      withNaN[123 * ch + ch - 1] = NaN;
      assert.throws(
        () => d.score(createSeries({ data: withNaN, channels: ch })),
        new RegExp(`step 123, channel ${ch - 1} is NaN`),
      );
      assert.throws(
        () => d.score(createSeries({ data: new Float32Array(0), channels: ch })),
        /empty/,
      );
      assert.throws(
        () => d.score(createSeries({ data: new Float32Array(200 * (ch + 1)), channels: ch + 1 })),
        new RegExp(`expected ${ch} channel\\(s\\), got ${ch + 1}`),
      );
    });

    test('stream() scores each row as batch score() scores the newest step, in bounded memory, and resumes from a saved state', () => {
      const d = loadDetector(join(dir, 'model'));
      const x = dataFor(c).test;
      // Across the change: the sine's amplitude step, or the first anomalous rows.
      streamMatchesBatch(
        d,
        c.data === 'series' ? sliceRows(x, 9_400, 10_300) : sliceRows(x, 70, 95),
      );
    });

    test('a corrupt or foreign model directory is refused', () => {
      const bad = join(dir, 'model');
      const manifest = readFileSync(modelFilePath(bad), 'utf8');
      writeFileSync(modelFilePath(bad), manifest.slice(0, 40));
      assert.throws(() => loadDetector(bad), /corrupt manifest/);
      writeFileSync(modelFilePath(bad), JSON.stringify({ format: 'something-else' }));
      assert.throws(() => loadDetector(bad), /not a normalcy model manifest/);
      assert.throws(() => loadDetector(join(dir, 'nothing-here')), /model directory not found/);
      rmSync(dir, { recursive: true, force: true });
    });
  });
}

test('training can be cancelled', async () => {
  const { train } = sine();
  const d = createDetector('forecaster', {
    network: 'lstm',
    hidden: [8],
    window: 25,
    downsample: 4,
    epochs: 50,
  });
  const ac = new AbortController();
  const p = d.fit(train, { seed: 1, signal: ac.signal, onEpoch: () => ac.abort() });
  await assert.rejects(p, /cancelled/);
});

test('early stopping stops when validation loss stops improving', async () => {
  const { train, validation } = sine();
  const d = createDetector('forecaster', {
    network: 'dense',
    hidden: [8],
    window: 25,
    downsample: 4,
    epochs: 200,
    patience: 2,
    minDelta: 10,
  });
  const s = await d.fit(train, { validation, seed: 1 });
  assert.ok(s.stoppedEarly);
  assert.equal(s.epochs, 3);
  assert.equal(s.bestEpoch, 1);
});
