// The conformance suite every detector passes, like scikit-learn's estimator
// checks: shapes, save/load round trip, seed determinism, bad input refused,
// and an AUC floor on the sine data.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSeries } from '../../src/data/read-series.js';
import { sliceRows, createSeries, type Series } from '../../src/data/series.js';
import { createDetector, loadDetector } from '../../src/detectors/registry.js';
import { streamMatchesBatch } from '../helpers/stream-conformance.js';
import { rocAuc } from '../../src/metrics/roc.js';
import { dataset } from '../helpers/datasets.js';
import { modelFilePath } from '../../src/detectors/model-dir.js';

interface Case {
  name: string;
  detector: string;
  config: Record<string, unknown>;
  aucFloor: number;
}

const smoothing = { kind: 'moving-average', span: 100 };
const cases: Case[] = [
  {
    name: 'dense forecaster',
    detector: 'forecaster',
    aucFloor: 0.95,
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
    name: 'LSTM forecaster',
    detector: 'forecaster',
    aucFloor: 0.95,
    config: {
      network: 'lstm',
      hidden: [16],
      window: 25,
      horizon: 1,
      downsample: 4,
      trainShift: 4,
      epochs: 2,
      smoothing,
    },
  },
  {
    name: 'GRU forecaster',
    detector: 'forecaster',
    aucFloor: 0.95,
    config: {
      network: 'gru',
      hidden: [16],
      window: 25,
      horizon: 1,
      downsample: 4,
      trainShift: 4,
      epochs: 2,
      smoothing,
    },
  },
  {
    name: 'stacked forecaster with batch norm',
    detector: 'forecaster',
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
    name: 'dense autoencoder',
    detector: 'autoencoder',
    aucFloor: 0.95,
    config: {
      network: 'dense',
      hidden: [32],
      bottleneck: 4,
      window: 24,
      downsample: 4,
      trainShift: 2,
      epochs: 3,
      learningRate: 0.01,
      smoothing,
    },
  },
  {
    name: 'LSTM autoencoder',
    detector: 'autoencoder',
    aucFloor: 0.95,
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
    aucFloor: 0.95,
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
  // Baselines. PCA keeps one component: sine windows span two, so the residual of
  // the second grows with the amplitude (with two, it would be amplitude-blind).
  {
    name: 'PCA baseline',
    detector: 'pca',
    aucFloor: 0.95,
    config: { window: 25, components: 1, downsample: 4, smoothing },
  },
  {
    name: 'kNN baseline',
    detector: 'knn',
    aucFloor: 0.95,
    config: { window: 10, k: 5, maxTrain: 500, downsample: 4, smoothing },
  },
  {
    name: 'isolation forest baseline',
    detector: 'isolation-forest',
    aucFloor: 0.95,
    config: { window: 10, trees: 50, subsample: 256, downsample: 4, smoothing },
  },
  // A rolling z-score over a long window is blind to an amplitude change; over 5 steps
  // (a twentieth of a period) the sine's slope outweighs the noise more once doubled.
  {
    name: 'rolling z-score baseline',
    detector: 'rolling-zscore',
    aucFloor: 0.9,
    config: { window: 5, downsample: 4, smoothing },
  },
  // The discord keeps the amplitude here (mean-centred distances): z-normalised windows
  // of a sine with doubled amplitude are the sine's own shape.
  {
    name: 'discord (matrix profile)',
    detector: 'discord',
    aucFloor: 0.95,
    config: { window: 25, normalization: 'mean', downsample: 4, smoothing },
  },
  // The self-join compares the test series with itself: the doubled half repeats, so only
  // the change point is a discord (its own AUC floor is tested in discord.test.ts).
  {
    name: 'discord self-join',
    detector: 'discord',
    aucFloor: 0.5,
    config: { window: 25, join: 'self', normalization: 'mean', downsample: 4, smoothing },
  },
];

// Slices of the sine data: 40,000 normal steps; abnormal steps 150,000-170,000
// where the amplitude doubles from step 160,000 (index 10,000 of the slice).
let cache: { train: Series; validation: Series; test: Series; labels: Uint8Array } | undefined;
function sine() {
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

for (const c of cases) {
  describe(`conformance: ${c.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'normalcy-conf-'));
    let first: Float32Array;

    test('fits on normal data and scores one value per step, higher on the anomaly (AUC floor)', async () => {
      const { train, validation, test: x, labels } = sine();
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
      assert.ok(first.every((v) => Number.isFinite(v) && v >= 0));
      const contributions = d.explain(x);
      assert.equal(contributions.length, x.length * x.channels);
      const auc = rocAuc(first, labels);
      assert.ok(auc >= c.aucFloor, `AUC ${auc} below the floor ${c.aucFloor}`);
      d.save(join(dir, 'model'));
    });

    test('save/load round trip gives identical scores', () => {
      const loaded = loadDetector(join(dir, 'model'));
      const again = loaded.score(sine().test);
      assert.deepEqual(again, first);
    });

    test('the same seed gives the same scores', async () => {
      const { train, validation, test: x } = sine();
      const d = createDetector(c.detector, c.config);
      await d.fit(train, { validation, seed: 7 });
      assert.deepEqual(d.score(x), first);
    });

    test('NaN, empty and wrong-channel input are refused with a clear error', () => {
      const d = loadDetector(join(dir, 'model'));
      const x = sine().test;
      const withNaN = new Float32Array(x.data.subarray(0, 1000));
      withNaN[123] = NaN;
      assert.throws(
        () => d.score(createSeries({ data: withNaN, channels: 1 })),
        /step 123, channel 0 is NaN/,
      );
      assert.throws(
        () => d.score(createSeries({ data: new Float32Array(0), channels: 1 })),
        /empty/,
      );
      assert.throws(
        () => d.score(createSeries({ data: new Float32Array(2000), channels: 2 })),
        /expected 1 channel\(s\), got 2/,
      );
    });

    test('stream() scores each row as batch score() scores the newest step, in bounded memory, and resumes from a saved state', () => {
      const d = loadDetector(join(dir, 'model'));
      streamMatchesBatch(d, sliceRows(sine().test, 9_400, 10_300));
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
