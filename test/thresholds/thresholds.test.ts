import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyThreshold,
  fixedThresholds,
  loadThreshold,
  parseThreshold,
  pValues,
  saveThreshold,
  sweepThresholds,
  thresholdAtFpr,
  thresholdAtPValue,
  thresholdAtPercentile,
  thresholdToJson,
} from '../../src/thresholds/index.js';
import { close } from '../helpers/close.js';

const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);

test('applyThreshold: score > value is anomalous', () => {
  assert.deepEqual(Array.from(applyThreshold([1, 2, 3], { kind: 'fixed', value: 2 })), [0, 0, 1]);
  assert.deepEqual(Array.from(applyThreshold(Float32Array.from([1, 2, 3]), 0.5)), [1, 1, 1]);
  assert.throws(() => applyThreshold([NaN], 0), /NaN/);
});

test('FPR threshold: realised rate <= target, ties included', () => {
  const normal = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const t = thresholdAtFpr(normal, 0.2);
  assert.deepEqual(t, { kind: 'fpr', value: 8, targetFpr: 0.2, realisedFpr: 0.2, normalCount: 10 });
  assert.equal(sum(applyThreshold(normal, t)), 2);
  const tied = [1, 2, 3, 4, 5, 6, 7, 8, 8, 8];
  const u = thresholdAtFpr(tied, 0.1);
  assert.equal(u.value, 8);
  assert.equal(u.realisedFpr, 0);
  // 0.29 * 100 rounds below 29 in floating point; still 29 may be flagged
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i);
  assert.equal(thresholdAtFpr(hundred, 0.29).realisedFpr, 0.29);
  assert.equal(thresholdAtFpr(normal, 1).realisedFpr, 1);
});

test('FPR threshold refuses a rate below 1/n and names the smallest', () => {
  assert.throws(
    () => thresholdAtFpr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.05),
    /below 1\/10; with 10 normal scores the smallest reachable rate is 0\.1/,
  );
});

test('FPR threshold holds its promise on random data', () => {
  let s = 9;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (const n of [10, 37, 500]) {
    const normal = Float64Array.from({ length: n }, () => Math.round(r() * 20));
    for (const target of [1 / n, 0.05, 0.1, 0.5]) {
      if (target < 1 / n) continue;
      const t = thresholdAtFpr(normal, target);
      const realised = sum(applyThreshold(normal, t)) / n;
      assert.ok(realised <= target + 1e-12);
      assert.equal(realised, t.realisedFpr);
    }
  }
});

test('percentile threshold interpolates linearly', () => {
  assert.equal(thresholdAtPercentile([5, 1, 3, 2, 4], 50).value, 3);
  close(thresholdAtPercentile([5, 1, 3, 2, 4], 98).value, 4.92);
  assert.deepEqual(thresholdAtPercentile([1, 2], 100), {
    kind: 'percentile',
    value: 2,
    percentile: 100,
    trainCount: 2,
  });
  assert.throws(() => thresholdAtPercentile([1], 101), /percentile/);
});

test('fixed thresholds and sweeps', () => {
  assert.deepEqual(fixedThresholds([0.5, 2]), [
    { kind: 'fixed', value: 0.5 },
    { kind: 'fixed', value: 2 },
  ]);
  assert.throws(() => fixedThresholds([Infinity]), /not finite/);
  assert.deepEqual(
    sweepThresholds([10, 0, 1], 3).map((t) => t.value),
    [0, 5, 10],
  );
  assert.deepEqual(
    sweepThresholds([1, 2, 3, 4, 5], 3, 'quantile').map((t) => t.value),
    [1, 3, 5],
  );
  assert.deepEqual(sweepThresholds([0, 1], 2)[1], {
    kind: 'sweep',
    value: 1,
    spacing: 'even',
    index: 1,
    count: 2,
  });
});

test('p-values against normal scores', () => {
  const p = pValues([2.5, 5, 0, 2], [1, 2, 3, 4]);
  assert.deepEqual(Array.from(p), [3 / 5, 1 / 5, 1, 4 / 5]);
});

test('p-value threshold flags exactly p <= alpha', () => {
  const normal = [1, 2, 3, 4];
  const t = thresholdAtPValue(normal, 0.4);
  assert.equal(t.value, 3);
  const scores = Float64Array.from({ length: 60 }, (_, i) => i / 10);
  for (const alpha of [0.2, 0.4, 0.5, 0.8, 1]) {
    const flagged = applyThreshold(scores, thresholdAtPValue(normal, alpha));
    const p = pValues(scores, normal);
    assert.deepEqual(
      Array.from(flagged),
      Array.from(p, (v) => (v <= alpha + 1e-12 ? 1 : 0)),
    );
  }
  assert.throws(() => thresholdAtPValue(normal, 0.1), /smallest p-value is 0\.2/);
});

test('thresholds save to JSON and apply again without the model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-thr-'));
  try {
    const t = thresholdAtFpr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.3);
    const path = join(dir, 'threshold.json');
    saveThreshold(path, t);
    const back = loadThreshold(path);
    assert.deepEqual(back, t);
    assert.deepEqual(applyThreshold([7, 7.5], back), Uint8Array.from([0, 1]));
    assert.deepEqual(JSON.parse(thresholdToJson(t)), t);
    writeFileSync(path, '{"kind":"fpr"}');
    assert.throws(() => loadThreshold(path), /threshold\.json: "value" must be a finite number/);
    assert.throws(() => parseThreshold({ kind: 'magic', value: 1 }), /unknown kind "magic"/);
    assert.throws(() => loadThreshold(join(dir, 'none.json')), /none\.json: cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
