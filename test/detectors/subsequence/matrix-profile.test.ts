import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  abJoin,
  selfJoin,
  slidingDots,
  type Normalization,
} from '../../../src/detectors/subsequence/matrix-profile.js';
import { createRng } from '../../../src/data/random.js';

function randomWalk(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  let v = 0;
  for (let i = 0; i < n; i++) {
    v += rng.next() - 0.5;
    out[i] = v + Math.sin(i / 5);
  }
  return out;
}

/** The definition, pair by pair. */
function distance(a: Float64Array, b: Float64Array, norm: Normalization, flatStd: number): number {
  const w = a.length;
  const stats = (x: Float64Array) => {
    const m = x.reduce((s, v) => s + v, 0) / w;
    return [m, Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / w)] as const;
  };
  const [ma, sa] = stats(a);
  const [mb, sb] = stats(b);
  let d2 = 0;
  if (norm === 'znorm') {
    const fa = sa < flatStd;
    const fb = sb < flatStd;
    if (fa || fb) return fa && fb ? 0 : Math.sqrt(2 * w);
    for (let k = 0; k < w; k++) d2 += ((a[k]! - ma) / sa - (b[k]! - mb) / sb) ** 2;
  } else if (norm === 'mean') {
    for (let k = 0; k < w; k++) d2 += (a[k]! - ma - (b[k]! - mb)) ** 2;
  } else {
    for (let k = 0; k < w; k++) d2 += (a[k]! - b[k]!) ** 2;
  }
  return Math.sqrt(d2);
}

function bruteAb(a: Float64Array, b: Float64Array, w: number, norm: Normalization, flat: number) {
  const out: number[] = [];
  for (let i = 0; i + w <= a.length; i++) {
    let best = Infinity;
    for (let j = 0; j + w <= b.length; j++)
      best = Math.min(best, distance(a.subarray(i, i + w), b.subarray(j, j + w), norm, flat));
    out.push(best);
  }
  return out;
}

test('sliding dot products equal the direct sums', () => {
  const x = randomWalk(300, 1);
  const q = x.slice(17, 40);
  const dots = slidingDots(q, x);
  assert.equal(dots.length, 300 - 23 + 1);
  for (const j of [0, 5, 100, 277]) {
    let s = 0;
    for (let k = 0; k < 23; k++) s += q[k]! * x[j + k]!;
    assert.ok(Math.abs(dots[j]! - s) < 1e-8 * (1 + Math.abs(s)), `j=${j}: ${dots[j]} vs ${s}`);
  }
});

for (const norm of ['znorm', 'mean', 'none'] as const) {
  test(`AB-join (${norm}) equals the brute-force nearest-neighbour distance`, () => {
    const a = randomWalk(180, 2);
    const b = randomWalk(150, 3);
    // A flat stretch in each, to exercise the flat-window rule.
    a.fill(a[60]!, 60, 90);
    b.fill(1.5, 20, 45);
    const got = abJoin(a, b, 12, { normalization: norm, flatStd: 1e-6 });
    const want = bruteAb(a, b, 12, norm, 1e-6);
    assert.equal(got.length, want.length);
    want.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) < 1e-6, `${i}: ${got[i]} vs ${v}`));
  });

  test(`self-join (${norm}) equals brute force with the exclusion zone`, () => {
    const x = randomWalk(200, 4);
    x.fill(0.25, 100, 115);
    const w = 10;
    const e = 5;
    const got = selfJoin(x, w, e, { normalization: norm, flatStd: 1e-6 });
    for (let i = 0; i + w <= x.length; i++) {
      let best = Infinity;
      for (let j = 0; j + w <= x.length; j++) {
        if (Math.abs(i - j) < e) continue;
        best = Math.min(best, distance(x.subarray(i, i + w), x.subarray(j, j + w), norm, 1e-6));
      }
      assert.ok(Math.abs(got[i]! - best) < 1e-6, `${i}: ${got[i]} vs ${best}`);
    }
  });
}

test('a window the training data never showed is the discord', () => {
  const b = new Float64Array(2000).map((_, i) => Math.sin((2 * Math.PI * i) / 50));
  const a = new Float64Array(1000).map((_, i) => Math.sin((2 * Math.PI * i) / 50));
  // A shape distortion that keeps the range: one period played twice as fast.
  for (let i = 500; i < 550; i++) a[i] = Math.sin((4 * Math.PI * (i - 500)) / 50);
  const d = abJoin(a, b, 50, { normalization: 'znorm', flatStd: 1e-6 });
  const top = d.indexOf(Math.max(...d));
  assert.ok(top > 450 && top < 550, `top window at ${top}`);
  assert.ok(d[100]! < 1e-3, `normal window at distance ${d[100]}`);
});

test('AB-join stays exact past the periodic recomputation of the dot products', () => {
  const a = randomWalk(8400, 5);
  const b = randomWalk(200, 6);
  const got = abJoin(a, b, 16, { normalization: 'znorm', flatStd: 1e-6 });
  for (const i of [100, 8191, 8192, 8193, 8300]) {
    let best = Infinity;
    for (let j = 0; j + 16 <= b.length; j++)
      best = Math.min(best, distance(a.subarray(i, i + 16), b.subarray(j, j + 16), 'znorm', 1e-6));
    assert.ok(Math.abs(got[i]! - best) < 1e-6, `${i}: ${got[i]} vs ${best}`);
  }
});
