import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortFloat64 } from '../../src/metrics/radix-sort.js';

test('radix sort agrees with the built-in sort, specials included', () => {
  let s = 5;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (const n of [10, 5000, 100_000]) {
    const a = Float64Array.from({ length: n }, () => (r() - 0.4) * 10 ** Math.floor(r() * 12 - 6));
    a[0] = -0;
    a[1] = 0;
    a[2] = -Infinity;
    a[3] = Infinity;
    a[4] = Number.MIN_VALUE;
    a[5] = -Number.MAX_VALUE;
    a[6] = a[7]; // a tie
    const expected = a.slice().sort();
    const got = sortFloat64(a.slice());
    for (let i = 0; i < n; i++) assert.ok(Object.is(got[i], expected[i]), `n=${n} at ${i}`);
  }
  // all equal high halves: passes on the upper digits are skipped
  const same = Float64Array.from({ length: 10_000 }, (_, i) => 1 + (i % 97) * 2 ** -52);
  assert.deepEqual(sortFloat64(same.slice()), same.slice().sort());
});
