import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectEvents, minMaxBucketIndices, strideIndices } from '../../src/report/index.js';

test('min/max bucketing keeps a single spike and the ends', () => {
  const n = 1_000_003;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i / 1000) * 0.1;
  v[654_321] = 50;
  v[123_457] = -40;
  const idx = minMaxBucketIndices(v, 5000);
  assert.ok(idx.length <= 5000, `${idx.length} points`);
  assert.ok(idx.includes(654_321), 'spike lost');
  assert.ok(idx.includes(123_457), 'dip lost');
  assert.equal(idx[0], 0);
  assert.equal(idx[idx.length - 1], n - 1);
  for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1], 'not strictly ascending');
});

test('short series are kept whole, without non-finite values', () => {
  assert.deepEqual([...minMaxBucketIndices([1, 2, 3])], [0, 1, 2]);
  assert.deepEqual([...minMaxBucketIndices([1, NaN, 3, Infinity])], [0, 2]);
  const long = Float64Array.from({ length: 100 }, (_, i) => (i === 50 ? NaN : i));
  const idx = minMaxBucketIndices(long, 10);
  assert.ok(!idx.includes(50));
  assert.ok(idx.length <= 10);
  assert.throws(() => minMaxBucketIndices([1], 3), /maxPoints/);
});

test('stride sampling spreads over the whole range', () => {
  const idx = strideIndices(1000, 10);
  assert.deepEqual([...idx], [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  assert.equal(strideIndices(5, 10).length, 5);
});

test('detected events: runs above the threshold with their peak', () => {
  const s = [0, 2, 3, 1, 0, 0, 5, 0.5, 4];
  assert.deepEqual(detectEvents(s, 1), [
    { start: 1, end: 2, peakScore: 3, peakIndex: 2 },
    { start: 6, end: 6, peakScore: 5, peakIndex: 6 },
    { start: 8, end: 8, peakScore: 4, peakIndex: 8 },
  ]);
  // "> threshold": equal scores are not flagged; thresholds may vary.
  assert.deepEqual(detectEvents([1, 1, 1], 1), []);
  assert.deepEqual(detectEvents([1, 1, 1], [2, 0, 2]), [
    { start: 1, end: 1, peakScore: 1, peakIndex: 1 },
  ]);
});
