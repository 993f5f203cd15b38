// The geometric-transformation detector: the transformations themselves on small known
// images, then the detector on synthetic non-square two-channel images (an asymmetric
// shape is normal, its orientation is learnable; noise is not), explain(), config checks.
// The MNIST AUC floor, save/load, seeding and bad input are in the conformance suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arange, tidy } from '../../src/engine/index.js';
import {
  applyTransform,
  transformList,
  transformName,
} from '../../src/models/geometric-transforms.js';
import { TransformClassifier } from '../../src/models/transform-classifier.js';
import { GeomDetector } from '../../src/detectors/geom.js';
import { loadDetector } from '../../src/detectors/registry.js';
import { createSeries } from '../../src/data/series.js';
import { createRng, type Rng } from '../../src/data/random.js';
import { rocAuc } from '../../src/metrics/roc.js';

/** A 3x3 image 0..8 (row-major) as [1, 1, 3, 3]. */
const grid3 = () => arange(0, 9).reshape([1, 1, 3, 3]);
const values = (t: ReturnType<typeof grid3>) => Array.from(t.toFloat32Array());

test('transformList: K = 4 rotations x 2 flips x 9 shifts at most, the identity first, all distinct', () => {
  assert.equal(transformList({ rotate: true, flip: false, shift: 0 }).length, 4);
  assert.equal(transformList({ rotate: true, flip: true, shift: 0 }).length, 8);
  const all = transformList({ rotate: true, flip: true, shift: 4 });
  assert.equal(all.length, 72);
  assert.equal(transformName(all[0]!), 'identity');
  assert.equal(new Set(all.map(transformName)).size, 72);
  assert.equal(transformList({ rotate: false, flip: false, shift: 0 }).length, 1);
});

test('applyTransform: quarter turns counter-clockwise, flip, reflecting translation', () => {
  tidy(() => {
    const x = grid3();
    const t = (o: Partial<Parameters<typeof applyTransform>[1]>) =>
      values(applyTransform(x, { flip: false, dx: 0, dy: 0, quarterTurns: 0, ...o }));
    // 0 1 2 / 3 4 5 / 6 7 8 turned a quarter counter-clockwise: 2 5 8 / 1 4 7 / 0 3 6.
    assert.deepEqual(t({ quarterTurns: 1 }), [2, 5, 8, 1, 4, 7, 0, 3, 6]);
    assert.deepEqual(t({ quarterTurns: 2 }), [8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.deepEqual(t({ quarterTurns: 3 }), [6, 3, 0, 7, 4, 1, 8, 5, 2]);
    assert.deepEqual(t({ flip: true }), [2, 1, 0, 5, 4, 3, 8, 7, 6]);
    // Moved right by 1: column 0 is filled by reflection (input column 1).
    assert.deepEqual(t({ dx: 1 }), [1, 0, 1, 4, 3, 4, 7, 6, 7]);
    // Moved up by 1: the last row reflects row 1.
    assert.deepEqual(t({ dy: -1 }), [3, 4, 5, 6, 7, 8, 3, 4, 5]);
  });
});

test('the transform classifier gives one logit per class at any size, tiny images included', () => {
  tidy(() => {
    for (const [c, s] of [
      [1, 28],
      [3, 32],
      [2, 5],
      [1, 1],
    ] as const) {
      const net = new TransformClassifier(c, s, [4, 8, 8], 8);
      const y = net.forward(
        arange(0, 2 * c * s * s)
          .reshape([2, c, s, s])
          .div(100),
      );
      assert.deepEqual(y.shape, [2, 8], `${c}x${s}x${s}`);
    }
  });
});

// Synthetic 12x10 two-channel images: normal ones hold a bright bar along the top and a
// block in the bottom-left corner (channel 0) with its shadow in channel 1, at a jittered
// place, plus faint noise; anomalies are noise of the same mean brightness.
const H = 12;
const W = 10;
const C = 2;
function shapeImage(rng: Rng, out: Float32Array): void {
  const oy = rng.nextInt(2);
  const ox = rng.nextInt(2);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const bar = y >= oy && y < oy + 2 && x >= ox + 1 && x < W - 1;
      const block = y >= H - 5 && y < H - 1 && x >= ox && x < ox + 3;
      const v = bar || block ? 200 : 10;
      out[(y * W + x) * C] = v + 20 * rng.next();
      out[(y * W + x) * C + 1] = v / 2 + 20 * rng.next();
    }
}
function noiseImage(rng: Rng, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = 255 * rng.next() * rng.next();
}
function images(n: number, fill: (rng: Rng, out: Float32Array) => void, seed: number) {
  const rng = createRng(seed);
  const size = H * W * C;
  const data = new Float32Array(n * size);
  for (let i = 0; i < n; i++) fill(rng, data.subarray(i * size, (i + 1) * size));
  return data;
}

test('geom on non-square two-channel images: learns the orientations, scores noise higher, explains per pixel, saves', async () => {
  const size = H * W * C;
  const train = createSeries({ data: images(160, shapeImage, 1), channels: size });
  const test = new Float32Array(60 * size);
  test.set(images(30, shapeImage, 2));
  test.set(images(30, noiseImage, 3), 30 * size);
  const x = createSeries({ data: test, channels: size });
  const labels = new Uint8Array(60).fill(1, 30);
  const d = new GeomDetector({
    imageShape: [H, W, C],
    widths: [8, 16],
    epochs: 4,
    batchSize: 32,
    learningRate: 3e-3,
  });
  assert.equal(d.transformCount, 8);
  const summary = await d.fit(train, { seed: 5 });
  assert.equal(summary.epochs, 4);
  assert.ok(summary.finalLoss < summary.history[0]!.loss, 'the loss did not fall');
  const scores = d.score(x);
  assert.equal(scores.length, 60);
  assert.ok(scores.every((v) => Number.isFinite(v) && v >= 0));
  const auc = rocAuc(scores, labels);
  assert.ok(auc > 0.9, `AUC ${auc}`);
  // Log-probabilities of the right transformation: normal images mostly recognised.
  const lp = d.transformLogProbabilities(
    createSeries({ data: test.slice(0, size), channels: size }),
  );
  assert.equal(lp.length, 8);
  assert.ok(lp.every((v) => v <= 0));

  const ex = d.explain(x);
  assert.equal(ex.length, 60 * size);
  assert.ok(ex.every((v) => Number.isFinite(v) && v >= 0));
  for (const i of [0, 45]) {
    const row = ex.subarray(i * size, (i + 1) * size);
    const sum = row.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - scores[i]!) <= 1e-3 * Math.max(1, scores[i]!), `row ${i}: ${sum}`);
  }
  // explain() leaves the scores as they were (no parameter moved, no state kept).
  assert.deepEqual(d.score(x), scores);

  const dir = mkdtempSync(join(tmpdir(), 'normalcy-geom-'));
  try {
    d.save(join(dir, 'model'));
    assert.deepEqual(loadDetector(join(dir, 'model')).score(x), scores);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('geom config: translations bigger than the image and a single transformation are refused', () => {
  assert.throws(
    () => new GeomDetector({ imageShape: [8, 8, 1], shift: 8 }),
    /config.shift: 8 must be smaller than the image's height and width \(8x8\)/,
  );
  assert.throws(
    () => new GeomDetector({ imageShape: [8, 8, 1], rotate: false, flip: false, shift: 0 }),
    /single transformation/,
  );
  assert.throws(() => new GeomDetector({ widths: [] }), /widths/);
  assert.equal(new GeomDetector({ imageShape: [32, 32, 3], shift: 8 }).transformCount, 72);
});

test('geom through the shared image normaliser: gcn-minmax scores do not depend on the pixel scale, and survive save/load', async () => {
  const size = H * W * C;
  const bytes = images(40, shapeImage, 7);
  const unit = bytes.map((v) => v / 255);
  const testBytes = createSeries({ data: images(10, noiseImage, 8), channels: size });
  const test = createSeries({ data: testBytes.data.map((v) => v / 255), channels: size });
  const config = {
    imageShape: [H, W, C] as [number, number, number],
    normalization: 'gcn-minmax' as const,
    // A fixed scale: without the normaliser the byte images would reach the network 255x larger.
    pixelScale: 1,
    widths: [4],
    epochs: 1,
    batchSize: 32,
  };
  const a = new GeomDetector(config);
  await a.fit(createSeries({ data: unit, channels: size }), { seed: 3 });
  const b = new GeomDetector(config);
  await b.fit(createSeries({ data: bytes, channels: size }), { seed: 3 });
  const sa = a.score(test);
  const sb = b.score(testBytes);
  for (let i = 0; i < sa.length; i++)
    assert.ok(
      Math.abs(sa[i]! - sb[i]!) <= 1e-3 * Math.max(1, sa[i]!),
      `image ${i}: ${sa[i]} ${sb[i]}`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-geom-norm-'));
  try {
    a.save(join(dir, 'model'));
    assert.deepEqual(loadDetector(join(dir, 'model')).score(test), sa);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => new GeomDetector({ normalization: 'zscore' as never }), /normalization/);
});
