import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autocorrelation, dominantPeriod } from '../../src/data/period.js';
import { createRng } from '../../src/data/random.js';

test('the dominant period of a noisy sine is its period', () => {
  const rng = createRng(1);
  const x = Array.from(
    { length: 5000 },
    (_, i) => Math.sin((2 * Math.PI * i) / 37) + 0.3 * (rng.next() - 0.5),
  );
  assert.equal(dominantPeriod(x), 37);
});

test('noise and constant series have no period', () => {
  const rng = createRng(2);
  assert.equal(dominantPeriod(Array.from({ length: 3000 }, () => rng.next())), undefined);
  assert.equal(dominantPeriod(new Array(3000).fill(4)), undefined);
  assert.deepEqual([...autocorrelation([1, 1, 1, 1], 2)], [0, 0, 0]);
});

test('autocorrelation at lag 0 is 1 and matches the direct sum', () => {
  const x = [1, 3, 2, 5, 4, 6, 5, 8];
  const r = autocorrelation(x, 3);
  const m = x.reduce((a, b) => a + b) / x.length;
  const c = (k: number) => x.slice(k).reduce((s, v, i) => s + (v - m) * (x[i]! - m), 0);
  assert.ok(Math.abs(r[0]! - 1) < 1e-12);
  for (let k = 1; k <= 3; k++) assert.ok(Math.abs(r[k]! - c(k) / c(0)) < 1e-12);
});
