// Unit checks of the autoencoder and the baselines beyond the conformance suite:
// network shapes, alignment of window results to steps, exact baseline scores on
// hand-made data, per-channel explanations and multichannel save/load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randn, tidy } from '../../src/engine/index.js';
import { createSeries, seriesFromColumns } from '../../src/data/series.js';
import { createRng } from '../../src/data/random.js';
import { createDetector, detectorNames, loadDetector } from '../../src/detectors/registry.js';
import { buildAutoencoderNetwork } from '../../src/models/autoencoder-networks.js';
import { spreadWindows, upsampleRows } from '../../src/detectors/window-alignment.js';
import { symmetricEigen } from '../../src/detectors/baselines/pca.js';
import { averagePathLength } from '../../src/detectors/baselines/isolation-forest.js';
import { sampleIndices } from '../../src/detectors/baselines/common.js';
import { twoChannels } from '../helpers/two-channels.js';

const none = { kind: 'none', span: 1 };

test('all window detectors are registered beside the forecaster', () => {
  for (const name of [
    'forecaster',
    'autoencoder',
    'pca',
    'knn',
    'isolation-forest',
    'rolling-zscore',
  ])
    assert.ok(detectorNames().includes(name), name);
});

test('autoencoder networks map [batch, window, channels] to the same shape', () => {
  for (const [kind, hidden] of [
    ['dense', [16, 8]],
    ['lstm', [8]],
    ['lstm', []],
    ['conv1d', [4, 8]],
  ] as const) {
    const net = buildAutoencoderNetwork({
      kind,
      window: 12,
      channels: 3,
      hidden: [...hidden],
      bottleneck: 2,
      kernel: 3,
    });
    const shape = tidy(() => net.forward(randn([5, 12, 3])).shape);
    assert.deepEqual(shape, [5, 12, 3], `${kind} ${JSON.stringify(hidden)}`);
  }
  assert.throws(
    () =>
      buildAutoencoderNetwork({
        kind: 'conv1d',
        window: 10,
        channels: 1,
        hidden: [4, 4],
        bottleneck: 2,
      }),
    /divisible by 2\^2/,
  );
  assert.throws(
    () => createDetector('autoencoder', { network: 'conv1d', window: 10 }),
    /divisible/,
  );
  assert.throws(
    () => createDetector('autoencoder', { network: 'gru' }),
    /is not one of dense, lstm, conv1d/,
  );
  assert.throws(
    () => createDetector('autoencoder', { window: 0 }),
    /autoencoder config\.window: 0 is not an integer >= 1/,
  );
  assert.throws(
    () => createDetector('autoencoder', { kernel: 4 }),
    /autoencoder config\.kernel: 4 is not an odd integer/,
  );
  assert.throws(
    () => createDetector('isolation-forest', { subsample: 1 }),
    /isolation-forest config\.subsample: 1 is not an integer >= 2/,
  );
  assert.throws(() => createDetector('knn', { k: 0 }), /knn config\.k: 0 is not an integer >= 1/);
});

test('window results are spread to the steps they cover, then to the full rate', () => {
  // Windows of 2 steps with values 1, 2, 3 cover steps 0..3.
  assert.deepEqual(Array.from(spreadWindows(Float32Array.of(1, 2, 3), 1, 2)), [1, 1.5, 2.5, 3]);
  // Two columns, windows of 3.
  const two = spreadWindows(Float32Array.of(1, 10, 3, 30), 2, 3);
  assert.deepEqual(Array.from(two), [1, 10, 2, 20, 2, 20, 3, 30]);
  assert.deepEqual(Array.from(upsampleRows(Float32Array.of(1, 2), 1, 5, 2)), [1, 1, 2, 2, 2]);
});

test('autoencoder: explain rows sum to the unsmoothed score; multichannel save/load', async () => {
  const train = twoChannels(1200, 1);
  const x = twoChannels(400, 2, [200, 240]);
  for (const network of ['dense', 'lstm', 'conv1d']) {
    const d = createDetector('autoencoder', {
      network,
      window: 8,
      hidden: network === 'conv1d' ? [4] : [8],
      bottleneck: 3,
      epochs: 2,
      downsample: 2,
      smoothing: none,
    });
    await d.fit(train, { seed: 3 });
    const s = d.score(x);
    const e = d.explain(x);
    assert.equal(s.length, x.length);
    for (let t = 0; t < x.length; t++)
      assert.ok(
        Math.abs(e[2 * t]! + e[2 * t + 1]! - s[t]!) <= 1e-5 * (1 + s[t]!),
        `${network} ${t}`,
      );
    // The bump in channel 1 is blamed on channel 1.
    let c0 = 0;
    let c1 = 0;
    for (let t = 200; t < 240; t++) {
      c0 += e[2 * t]!;
      c1 += e[2 * t + 1]!;
    }
    assert.ok(c1 > 3 * c0, `${network}: channel 1 ${c1} vs channel 0 ${c0}`);
    const dir = mkdtempSync(join(tmpdir(), 'normalcy-ae-'));
    try {
      d.save(join(dir, 'm'));
      assert.deepEqual(loadDetector(join(dir, 'm')).score(x), s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('symmetricEigen: A v = lambda v, orthonormal vectors, decreasing values', () => {
  const n = 6;
  const rng = createRng(5);
  const b = Float64Array.from({ length: n * n }, () => rng.next() - 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) a[i * n + j]! += b[i * n + k]! * b[j * n + k]!;
  const { values, vectors } = symmetricEigen(a, n);
  for (let r = 0; r < n; r++) {
    if (r > 0) assert.ok(values[r]! <= values[r - 1]!);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k]! * vectors[r * n + k]!;
      assert.ok(Math.abs(av - values[r]! * vectors[r * n + i]!) < 1e-10);
    }
    for (let q = 0; q < n; q++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += vectors[r * n + k]! * vectors[q * n + k]!;
      assert.ok(Math.abs(dot - (r === q ? 1 : 0)) < 1e-10);
    }
  }
});

test('pca: points on the training line score 0, points off it score their squared distance', async () => {
  const t = Float32Array.from({ length: 200 }, (_, i) => i / 10);
  const train = seriesFromColumns([t, t.map((v) => 2 * v)]);
  const d = createDetector('pca', { window: 1, components: 1, scaler: 'none', smoothing: none });
  await d.fit(train);
  // (1, 2) lies on the line through the training points.
  const x = seriesFromColumns([Float32Array.of(1, 12), Float32Array.of(2, 19)]);
  const s = d.score(x);
  assert.ok(s[0]! < 1e-6, `on the line: ${s[0]}`);
  // (12, 19) is (10, 20) + (2, -1), orthogonal to (1, 2): squared distance 5, mean over 2 values.
  assert.ok(Math.abs(s[1]! - 2.5) < 1e-3, `off the line: ${s[1]}`);
  await assert.rejects(
    createDetector('pca', { window: 1, components: 2 }).fit(train),
    /components \(2\) must be below window x channels \(2\)/,
  );
});

test('knn: the score is the distance to the k-th nearest training window', async () => {
  const train = createSeries({ data: Float32Array.from({ length: 10 }, (_, i) => i), channels: 1 });
  const d = createDetector('knn', { k: 2, scaler: 'none', smoothing: none });
  await d.fit(train, { seed: 1 });
  const s = d.score(createSeries({ data: Float32Array.of(20, 4.5, 3), channels: 1 }));
  assert.deepEqual(Array.from(s), [12, 0.5, 1]);
});

test('sampleIndices: distinct, sorted, in range and repeatable', () => {
  const pick = (seed: number) => {
    const rng = createRng(seed);
    return sampleIndices(1000, 50, (n) => rng.nextInt(n));
  };
  const a = pick(9);
  assert.equal(new Set(a).size, 50);
  assert.ok(a.every((v, i) => v >= 0 && v < 1000 && (i === 0 || v > a[i - 1]!)));
  assert.deepEqual(pick(9), a);
  assert.deepEqual(Array.from(sampleIndices(3, 50, () => 0)), [0, 1, 2]);
});

test('isolation forest: c(n), outliers score high, explain blames the right channel', async () => {
  assert.equal(averagePathLength(1), 0);
  assert.equal(averagePathLength(2), 1);
  assert.ok(Math.abs(averagePathLength(256) - 10.2448) < 1e-3);
  const train = twoChannels(2000, 4);
  const d = createDetector('isolation-forest', { trees: 50, window: 4, smoothing: none });
  await d.fit(train, { seed: 11 });
  const x = twoChannels(400, 5, [200, 240]);
  const s = d.score(x);
  const e = d.explain(x);
  let inside = 0;
  let outside = 0;
  for (let t = 0; t < 400; t++) {
    if (t >= 203 && t < 240) inside += s[t]!;
    else outside += s[t]!;
  }
  assert.ok(inside / 37 > outside / 363 + 0.03, `${inside / 37} vs ${outside / 363}`);
  let c0 = 0;
  let c1 = 0;
  for (let t = 203; t < 240; t++) {
    c0 += e[2 * t]!;
    c1 += e[2 * t + 1]!;
  }
  assert.ok(c1 > 3 * c0, `channel 1 ${c1} vs channel 0 ${c0}`);
  for (let t = 0; t < 400; t++) assert.ok(Math.abs(e[2 * t]! + e[2 * t + 1]! - s[t]!) < 1e-5);
  // Seeded: the same seed grows the same forest; another seed another one.
  const again = createDetector('isolation-forest', { trees: 50, window: 4, smoothing: none });
  await again.fit(train, { seed: 11 });
  assert.deepEqual(again.score(x), s);
  const other = createDetector('isolation-forest', { trees: 50, window: 4, smoothing: none });
  await other.fit(train, { seed: 12 });
  assert.notDeepEqual(other.score(x), s);
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-if-'));
  try {
    d.save(join(dir, 'm'));
    assert.deepEqual(loadDetector(join(dir, 'm')).explain(x), e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rolling z-score: exact values over the trailing window, max over channels', async () => {
  const d = createDetector('rolling-zscore', { window: 3, scaler: 'none', smoothing: none });
  await d.fit(createSeries({ data: new Float32Array(10), channels: 2 }));
  const x = seriesFromColumns([Float32Array.of(1, 3, 5, 100, 0), Float32Array.of(0, 0, 0, 0, 1)]);
  const s = d.score(x);
  const e = d.explain(x);
  // Step 2: previous [1, 3] -> mean 2, std 1 -> 3. Step 3: [1, 3, 5] -> mean 3, std sqrt(8/3).
  // Step 4: channel 0 is near its mean of [3, 5, 100]; channel 1 has std 0, floored to 1e-3.
  assert.equal(s[0], 0);
  assert.equal(s[1], 0);
  assert.ok(Math.abs(s[2]! - 3) < 1e-5);
  assert.ok(Math.abs(s[3]! - 97 / Math.sqrt(8 / 3)) < 1e-3);
  assert.ok(Math.abs(s[4]! - 1 / 1e-3) < 1e-2);
  assert.deepEqual(
    Array.from(e.subarray(6, 10)).map((v) => v > 0),
    [true, false, false, true],
  );
  assert.throws(() => createDetector('rolling-zscore', { minStd: 0 }), /minStd/);
});

test('baselines refuse scoring before fit', () => {
  for (const name of ['pca', 'knn', 'isolation-forest', 'rolling-zscore']) {
    assert.throws(
      () => createDetector(name).score(createSeries({ data: new Float32Array(20), channels: 1 })),
      /not fitted/,
    );
  }
});

test('autoencoder normalize divides scores by the spread of the training scores', async () => {
  const train = twoChannels(600, 6);
  const config = { window: 8, hidden: [8], bottleneck: 2, epochs: 1, smoothing: none };
  const raw = createDetector('autoencoder', config);
  await raw.fit(train, { seed: 2 });
  const normed = createDetector('autoencoder', { ...config, normalize: true });
  await normed.fit(train, { seed: 2 });
  const r = raw.score(train);
  const n = normed.score(train);
  let sum = 0;
  let sq = 0;
  for (const v of r) {
    sum += v;
    sq += v * v;
  }
  const std = Math.sqrt(sq / r.length - (sum / r.length) ** 2);
  for (let t = 0; t < r.length; t += 37)
    assert.ok(Math.abs(n[t]! - r[t]! / std) < 1e-3 * (1 + n[t]!));
});
