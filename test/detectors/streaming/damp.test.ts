import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Damp, scoreDampStream } from '../../../src/detectors/streaming/damp.js';
import { createRng } from '../../../src/data/random.js';

function series(n: number, seed: number, at: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, (_, i) => {
    const ph = (2 * Math.PI * i) / 30;
    const shape = i >= at && i < at + 30 ? -0.6 : 0.6;
    return Math.sin(ph) + shape * Math.sin(2 * ph) + 0.05 * (rng.next() - 0.5);
  });
}

/** Exact left matrix profile by definition: nearest window ending before window q begins. */
function exactLeft(x: Float64Array, w: number, q: number): number {
  const z = (s: number) => {
    const seg = x.subarray(s, s + w);
    const m = seg.reduce((a, b) => a + b, 0) / w;
    const sd = Math.sqrt(seg.reduce((a, b) => a + (b - m) ** 2, 0) / w);
    return Array.from(seg, (v) => (v - m) / sd);
  };
  const a = z(q);
  let best = Infinity;
  for (let j = 0; j + w <= q; j++) {
    const b = z(j);
    best = Math.min(best, Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0)));
  }
  return best / (2 * Math.sqrt(w));
}

test('the top streaming score is the exact top left discord, and every score bounds the exact one from above', () => {
  const x = series(1500, 1, 1100);
  const { scores, detector } = scoreDampStream(x, {
    probation: 300,
    config: { window: 30, rest: 0, normalization: 'znorm' },
  });
  assert.equal(detector.window, 30);
  let top = 0;
  for (let t = 1; t < scores.length; t++) if (scores[t]! > scores[top]!) top = t;
  // Row t scores the window ending at t.
  assert.ok(top >= 1100 && top < 1160, `top score at row ${top}`);
  assert.ok(Math.abs(scores[top]! - exactLeft(x, 30, top - 29)) < 1e-6);
  for (const t of [400, 700, 1000, 1130, 1400])
    assert.ok(scores[t]! >= exactLeft(x, 30, t - 29) - 1e-6, `row ${t}`);
  assert.ok(scores.subarray(0, 300).every((v) => v === 0));
  // The pruning did stop most searches early.
  assert.ok(detector.stats.stoppedEarly > 0.5 * detector.stats.scored);
});

test('forward pruning (batch) keeps the top discord and prunes windows ahead', () => {
  const x = series(1500, 2, 900);
  const live = scoreDampStream(x, {
    probation: 300,
    config: { window: 30, rest: 0, normalization: 'znorm' },
  }).scores;
  const batch = scoreDampStream(x, {
    probation: 300,
    config: { window: 30, lookahead: 256, rest: 0, normalization: 'znorm' },
  });
  const max = (s: Float64Array) => s.reduce((a, b) => Math.max(a, b), 0);
  assert.ok(Math.abs(max(live) - max(batch.scores)) < 1e-9);
  assert.ok(batch.detector.stats.prunedAhead > 0);
});

test('each score depends on the rows up to it only', () => {
  const x = series(900, 3, 600);
  const full = scoreDampStream(x, {
    probation: 200,
    config: { window: 30, normalization: 'znorm' },
  }).scores;
  const head = scoreDampStream(x.subarray(0, 650), {
    probation: 200,
    config: { window: 30, normalization: 'znorm' },
  }).scores;
  assert.deepEqual(head, full.subarray(0, 650));
});

test('the window is estimated from the probation; NaN is refused', () => {
  const d = new Damp({}, 400);
  for (const v of series(400, 4, -100)) d.update(v);
  assert.equal(d.window, 30);
  assert.throws(() => d.update(NaN), /row 400 is NaN/);
});

test('the rest rule keeps a score only where it beats the previous rows', () => {
  const x = series(1500, 5, 1100);
  const raw = scoreDampStream(x, {
    probation: 300,
    config: { window: 30, rest: 0, normalization: 'znorm' },
  }).scores;
  const rested = scoreDampStream(x, {
    probation: 300,
    config: { window: 30, normalization: 'znorm' },
  }).scores;
  for (let t = 400; t < 1500; t++) {
    const beats = raw.subarray(t - 30, t).every((v) => v < raw[t]!);
    assert.equal(rested[t], beats ? raw[t] : 0, `row ${t}`);
  }
});

test('the incremental first chunk stays exact past its periodic recomputation', () => {
  const x = series(8600, 6, 8300);
  const { scores } = scoreDampStream(x, {
    probation: 300,
    config: { window: 30, rest: 0, normalization: 'znorm' },
  });
  for (const t of [8220, 8221, 8222, 8400, 8599])
    assert.ok(scores[t]! >= exactLeft(x, 30, t - 29) - 1e-6, `row ${t}`);
  let top = 0;
  for (let t = 1; t < scores.length; t++) if (scores[t]! > scores[top]!) top = t;
  assert.ok(Math.abs(scores[top]! - exactLeft(x, 30, top - 29)) < 1e-6, `top ${top}`);
});

test('mean-centred distances: a level shift the probation never showed scores high', () => {
  const x = series(1200, 7, -100);
  for (let i = 900; i < 960; i++) x[i]! += 3;
  const { scores } = scoreDampStream(x, { probation: 300, config: { window: 30, rest: 0 } });
  let top = 0;
  for (let t = 1; t < scores.length; t++) if (scores[t]! > scores[top]!) top = t;
  assert.ok(top >= 900 && top < 990, `top at ${top}`);
  assert.ok(scores.every((v) => v >= 0 && v <= 1));
});
