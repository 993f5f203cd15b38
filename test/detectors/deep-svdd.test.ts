// deep-svdd on small generated colour images: normal images are smooth colour gradients,
// anomalies add a bright square. The conformance suite covers the detector API on MNIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeries, type Series } from '../../src/data/series.js';
import { createRng } from '../../src/data/random.js';
import { DeepSvddDetector } from '../../src/detectors/deep-svdd.js';
import { SvddAutoencoder, SvddEncoder } from '../../src/models/deep-svdd-network.js';
import { loadDetector } from '../../src/detectors/registry.js';
import { modelFilePath } from '../../src/detectors/model-dir.js';
import { rocAuc } from '../../src/metrics/roc.js';
import { tensor, tidy } from '../../src/engine/index.js';

const H = 12;
const W = 12;
const C = 3;

function images(n: number, seed: number, anomalous: boolean): Series {
  const rng = createRng(seed);
  const data = new Float32Array(n * H * W * C);
  for (let i = 0; i < n; i++) {
    const tint = [rng.next(), rng.next(), rng.next()];
    const sx = rng.nextInt(H - 4);
    const sy = rng.nextInt(W - 4);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < C; c++) {
          let v = 255 * (0.5 * tint[c]! + (0.4 * (x + y)) / (H + W)) + 10 * rng.next();
          if (anomalous && y >= sy && y < sy + 4 && x >= sx && x < sx + 4) v = c === 0 ? 255 : 0;
          data[((i * H + y) * W + x) * C + c] = v;
        }
  }
  return createSeries({ data, channels: H * W * C });
}

const small = {
  imageShape: [H, W, C] as [number, number, number],
  channels: [8, 8],
  repDim: 8,
  kernel: 3,
  epochs: 3,
  batchSize: 16,
  learningRate: 1e-3,
};

test('the encoder has no bias terms and maps [n, c, h, w] to [n, repDim]; sizes not divisible are padded', () => {
  tidy(() => {
    const enc = new SvddEncoder([3, 13, 10], { channels: [4, 4], repDim: 5, kernel: 5 });
    assert.ok(Object.keys(enc.stateDict()).every((k) => !k.endsWith('bias')));
    const x = tensor(new Float32Array(2 * 3 * 13 * 10).fill(0.3), [2, 3, 13, 10]);
    assert.deepEqual(enc.forward(x).shape, [2, 5]);
    const ae = new SvddAutoencoder(enc);
    assert.deepEqual(ae.forward(x).shape, [2, 3, 13, 10]);
  });
});

test('one-class: centre away from 0 by eps, anomalies farther, save/load identical', async () => {
  const train = images(120, 1, false);
  const test = createSeries({
    data: Float32Array.from([...images(40, 2, false).data, ...images(40, 3, true).data]),
    channels: H * W * C,
  });
  const labels = new Uint8Array(80).fill(1, 40);
  const d = new DeepSvddDetector({ ...small, pretrainEpochs: 2 });
  const epochs: number[] = [];
  const summary = await d.fit(train, { seed: 4, onEpoch: (r) => epochs.push(r.epoch) });
  assert.deepEqual(epochs, [1, 2, 3]);
  assert.equal(summary.epochs, 3);
  assert.ok(d.pretrainSummary && d.pretrainSummary.epochs === 2);
  const s = d.score(test);
  assert.ok(s.every((v) => v >= 0));
  const auc = rocAuc(s, labels);
  assert.ok(auc > 0.8, `AUC ${auc}`);
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-svdd-'));
  try {
    d.save(join(dir, 'm'));
    const loaded = loadDetector(join(dir, 'm')) as DeepSvddDetector;
    assert.deepEqual(loaded.score(test), s);
    const z = loaded.encode(train);
    assert.equal(z.length, 120 * 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const e = d.explain(test);
  assert.equal(e.length, 80 * H * W * C);
  assert.ok(e.every((v) => Number.isFinite(v) && v >= 0));
});

test('the centre: eps guards coordinates near 0 (a zero network cannot sit on it)', async () => {
  const train = images(40, 5, false);
  const d = new DeepSvddDetector({ ...small, epochs: 1, pretrainEpochs: 0, eps: 1e6 });
  await d.fit(train, { seed: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-svdd-'));
  try {
    d.save(join(dir, 'm'));
    const { state } = JSON.parse(readFileSync(modelFilePath(join(dir, 'm')), 'utf8')) as {
      state: { centre: number[] };
    };
    assert.ok(state.centre.every((v) => Math.abs(v) === 1e6));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('soft-boundary: R² from the (1 - nu) quantile, about nu of the training images outside', async () => {
  const train = images(160, 6, false);
  const d = new DeepSvddDetector({
    ...small,
    objective: 'soft-boundary',
    nu: 0.2,
    warmUpEpochs: 1,
    pretrainEpochs: 0,
    epochs: 4,
  });
  await d.fit(train, { seed: 2 });
  const s = d.score(train);
  const outside = s.filter((v) => v > 0).length / s.length;
  assert.ok(
    s.some((v) => v < 0),
    'some training images inside the sphere',
  );
  assert.ok(Math.abs(outside - 0.2) < 0.03, `share outside ${outside}`);
});

test('bad configs are refused naming the field', () => {
  assert.throws(() => new DeepSvddDetector({ kernel: 4 }), /kernel/);
  assert.throws(() => new DeepSvddDetector({ objective: 'hard' as never }), /objective/);
  assert.throws(
    () => new DeepSvddDetector({ imageShape: [4, 4, 1], channels: [2, 2, 2, 2] }),
    /pooling blocks/,
  );
});
