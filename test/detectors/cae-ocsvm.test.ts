// cae-ocsvm on a small MNIST slice: digit 0 is normal, every other digit anomalous.
// One epoch on 600 training zeros, scored on the first 1,000 test images.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMnistImages, readMnistLabels } from '../../src/data/idx.js';
import { createSeries, sliceRows, type Series } from '../../src/data/series.js';
import { streamMatchesBatch } from '../helpers/stream-conformance.js';
import { createDetector, loadDetector } from '../../src/detectors/registry.js';
import { CaeOcsvmDetector } from '../../src/detectors/cae-ocsvm.js';
import { ConvAutoencoder } from '../../src/models/conv-autoencoder.js';
import { rocAuc } from '../../src/metrics/roc.js';
import { tensor, tidy } from '../../src/engine/index.js';
import { dataset } from '../helpers/datasets.js';

const PIXELS = 28 * 28;
const CONFIG = { imageShape: [28, 28, 1], epochs: 1, batchSize: 32, nu: 0.1 };

interface Slice {
  train: Series;
  test: Series;
  labels: Uint8Array;
}

let cache: Slice | undefined;
function slice(): Slice {
  if (cache) return cache;
  const trainImages = readMnistImages(dataset('mnist', 'train-images-idx3-ubyte.gz'));
  const trainLabels = readMnistLabels(dataset('mnist', 'train-labels-idx1-ubyte.gz'));
  const zeros = new Float32Array(600 * PIXELS);
  for (let i = 0, k = 0; k < 600; i++) {
    if (trainLabels[i] !== 0) continue;
    zeros.set(trainImages.data.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    k++;
  }
  const testImages = readMnistImages(dataset('mnist', 't10k-images-idx3-ubyte.gz'));
  const testLabels = readMnistLabels(dataset('mnist', 't10k-labels-idx1-ubyte.gz'));
  const n = 1000;
  cache = {
    train: createSeries({ data: zeros, channels: PIXELS }),
    test: createSeries({
      data: Float32Array.from(testImages.data.subarray(0, n * PIXELS)),
      channels: PIXELS,
    }),
    labels: Uint8Array.from(testLabels.subarray(0, n), (d) => (d === 0 ? 0 : 1)),
  };
  return cache;
}

test('the conv autoencoder pads 28x28 to 32x32, gives 64 features and crops back', () => {
  tidy(() => {
    const net = new ConvAutoencoder([1, 28, 28]);
    assert.equal(net.featureSize, 64);
    const x = tensor(new Float32Array(2 * PIXELS).fill(0.5), [2, 1, 28, 28]);
    assert.deepEqual(net.forward(x).shape, [2, 1, 28, 28]);
    assert.deepEqual(net.encode(x).shape, [2, 64]);
    const rgb = new ConvAutoencoder([3, 32, 32]);
    assert.equal(rgb.featureSize, 64);
    const y = tensor(new Float32Array(3 * 32 * 32), [1, 3, 32, 32]);
    assert.deepEqual(rgb.forward(y).shape, [1, 3, 32, 32]);
    const odd = new ConvAutoencoder([2, 13, 20]);
    assert.equal(odd.featureSize, 4 * 2 * 3);
    const z = tensor(new Float32Array(2 * 13 * 20), [1, 2, 13, 20]);
    assert.deepEqual(odd.forward(z).shape, [1, 2, 13, 20]);
  });
});

describe('cae-ocsvm on MNIST (0 normal)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-cae-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let first: Float32Array;

  test('fits, scores one value per image and separates zeros from other digits', async () => {
    const { train, test: x, labels } = slice();
    const d = createDetector('cae-ocsvm', CONFIG) as CaeOcsvmDetector;
    const epochs: number[] = [];
    const summary = await d.fit(train, { seed: 3, onEpoch: (r) => epochs.push(r.epoch) });
    assert.equal(summary.epochs, 1);
    assert.deepEqual(epochs, [1]);
    assert.ok(Number.isFinite(summary.finalLoss));
    first = d.score(x);
    assert.equal(first.length, x.length);
    assert.ok(first.every(Number.isFinite));
    const auc = rocAuc(first, labels);
    assert.ok(auc >= 0.9, `AUC-ROC ${auc} below the floor 0.9`);
    const errors = d.explain(sliceRows(x, 0, 10));
    assert.equal(errors.length, 10 * PIXELS);
    assert.ok(errors.every((v) => v >= 0 && v <= 1));
    // The autoencoder alone: each image's error is the mean of its per-pixel errors.
    const reconstruction = d.reconstructionError(sliceRows(x, 0, 10));
    assert.equal(reconstruction.length, 10);
    for (let i = 0; i < 10; i++) {
      let sum = 0;
      for (let p = 0; p < PIXELS; p++) sum += errors[i * PIXELS + p]!;
      assert.ok(Math.abs(reconstruction[i]! - sum / PIXELS) < 1e-6, `image ${i}`);
    }
    assert.ok(rocAuc(d.reconstructionError(x), labels) > 0.5);
    d.save(join(dir, 'model'));

    const grid = d.nuGrid(train, x, labels, [0.05, 0.5]);
    assert.deepEqual(
      grid.map((r) => r.nu),
      [0.05, 0.5],
    );
    for (const r of grid) {
      assert.ok(r.aucRoc > 0.5 && r.aucRoc <= 1 && r.aucPr > 0 && r.aucPr <= 1);
      assert.ok(r.supportVectors >= 1);
    }
    // nuGrid leaves the detector's own SVM alone.
    assert.deepEqual(d.score(x), first);
  });

  test('stream() gives the batch scores image by image, and resumes from a saved state', () => {
    streamMatchesBatch(loadDetector(join(dir, 'model')), sliceRows(slice().test, 0, 30));
  });

  test('save/load round trip gives identical scores', () => {
    const { test: x } = slice();
    const loaded = loadDetector(join(dir, 'model'));
    assert.equal(loaded.name, 'cae-ocsvm');
    assert.deepEqual(loaded.score(x), first);
    const fresh = createDetector('cae-ocsvm', CONFIG);
    assert.throws(() => fresh.explain(x), /not fitted/);
    assert.equal(loaded.explain(sliceRows(x, 0, 3)).length, 3 * PIXELS);
  });

  test('the same seed gives the same scores', async () => {
    const { train, test: x } = slice();
    const d = createDetector('cae-ocsvm', CONFIG);
    await d.fit(train, { seed: 3 });
    assert.deepEqual(d.score(x), first);
  });

  test('NaN, wrong width and empty input are refused with a clear error', () => {
    const d = loadDetector(join(dir, 'model'));
    const data = new Float32Array(2 * PIXELS);
    data[PIXELS + 5] = NaN;
    assert.throws(
      () => d.score(createSeries({ data, channels: PIXELS })),
      /step 1, channel 5 is NaN/,
    );
    assert.throws(
      () => d.score(createSeries({ data: new Float32Array(0), channels: PIXELS })),
      /empty/,
    );
    assert.throws(
      () => d.score(createSeries({ data: new Float32Array(100), channels: 100 })),
      /expected 784 channel\(s\), got 100/,
    );
    assert.throws(
      () => d.explain(createSeries({ data: new Float32Array(10), channels: 10 })),
      /784/,
    );
  });
});

test('bad configurations and unfitted use are refused', async () => {
  assert.throws(() => new CaeOcsvmDetector({ imageShape: [28, 28] as never }), /imageShape/);
  assert.throws(
    () => new CaeOcsvmDetector({ nu: 0 }),
    /config\.nu: 0 is not a number > 0 and <= 1/,
  );
  assert.throws(() => new CaeOcsvmDetector({ gamma: -1 }), /gamma/);
  assert.throws(() => new CaeOcsvmDetector({ pixelScale: 0 }), /pixelScale/);
  const d = new CaeOcsvmDetector();
  assert.throws(
    () => d.score(createSeries({ data: new Float32Array(PIXELS), channels: PIXELS })),
    /not fitted/,
  );
  await assert.rejects(
    d.fit(createSeries({ data: new Float32Array(100), channels: 10 })),
    /expected 784 channel\(s\), got 10/,
  );
});

test('cae-ocsvm loss: binary cross-entropy needs pixels in [0, 1] and names the image', async () => {
  assert.throws(
    () => new CaeOcsvmDetector({ loss: 'l1' as 'bce' }),
    /config\.loss: 'l1' is not one of bce, mse/,
  );
  // pixelScale 1 keeps a pixel of 2 at 2.
  const data = new Float32Array(3 * PIXELS).fill(0.5);
  data[2 * PIXELS + 7] = 2;
  const bad = createSeries({ data, channels: PIXELS });
  const d = new CaeOcsvmDetector({ ...CONFIG, imageShape: [28, 28, 1], pixelScale: 1 });
  await assert.rejects(
    d.fit(bad),
    /image 2 has a pixel of 2 .*loss 'bce' needs pixels in \[0, 1\]/,
  );
  // The same data trains with the MSE loss.
  const m = new CaeOcsvmDetector({
    ...CONFIG,
    imageShape: [28, 28, 1],
    pixelScale: 1,
    loss: 'mse',
  });
  const summary = await m.fit(bad, { seed: 1 });
  assert.ok(Number.isFinite(summary.finalLoss));
});

test('colour images: normalisation, encoder widths and feature scaling are used and saved', async () => {
  // 16 x 16 RGB: normal images are tinted gradients, anomalies carry a saturated square.
  const side = 16;
  const size = side * side * 3;
  const make = (n: number, seed: number, square: boolean) => {
    const data = new Float32Array(n * size);
    let s = seed;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < n; i++) {
      const tint = [rnd(), rnd(), rnd()];
      for (let p = 0; p < side * side; p++) {
        const y = Math.floor(p / side);
        const x = p % side;
        for (let c = 0; c < 3; c++) {
          let v = 200 * (0.5 * tint[c]! + (0.5 * (x + y)) / (2 * side)) + 20 * rnd();
          if (square && x >= 4 && x < 10 && y >= 4 && y < 10) v = c === 1 ? 255 : 0;
          data[i * size + p * 3 + c] = v;
        }
      }
    }
    return createSeries({ data, channels: size });
  };
  const train = make(150, 1, false);
  const x = createSeries({
    data: Float32Array.from([...make(40, 2, false).data, ...make(40, 3, true).data]),
    channels: size,
  });
  const labels = new Uint8Array(80).fill(1, 40);
  const d = new CaeOcsvmDetector({
    imageShape: [side, side, 3],
    normalization: 'gcn-minmax',
    encoderChannels: [8, 8, 6],
    featureScaling: 'none',
    epochs: 3,
    batchSize: 16,
  });
  await d.fit(train, { seed: 5 });
  assert.equal(d.featureSize, 6 * 2 * 2);
  const s = d.score(x);
  assert.ok(rocAuc(s, labels) > 0.8, `AUC ${rocAuc(s, labels)}`);
  // Unscaled features: encode() gives the encoder's own (non-negative, after ReLU) values.
  assert.ok(d.encode(x).every((v) => v >= 0));
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-cae-rgb-'));
  try {
    d.save(join(dir, 'm'));
    const loaded = loadDetector(join(dir, 'm')) as CaeOcsvmDetector;
    assert.deepEqual(loaded.score(x), s);
    assert.deepEqual(loaded.config.encoderChannels, [8, 8, 6]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
