import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dynamicThreshold,
  dynamicThresholdMask,
  ewmaErrors,
  pruneSequences,
  telemanomStartup,
  type DynamicThresholdOptions,
} from '../../src/thresholds/index.js';
import { createRng } from '../../src/data/random.js';

/** mulberry32: the library's own generator. */
const rng = (seed: number): (() => number) => createRng(seed).next;

type Bump = [start: number, end: number, height: number];

/** Flat noise errors in [0.1, 0.12) with the bumps added (inclusive ranges). */
function errorSeries(n: number, bumps: Bump[], seed = 1): Float32Array {
  const r = rng(seed);
  const e = Float32Array.from({ length: n }, () => 0.1 + 0.02 * r());
  for (const [a, b, h] of bumps) for (let i = a; i <= b; i++) e[i]! += h;
  return e;
}

// Small windows so that the hand-made series hold several of them.
const small: DynamicThresholdOptions = { windowSize: 1000, stepSize: 100 };

const overlaps = (r: [number, number], a: number, b: number) => r[0] <= b && r[1] >= a;

test('ewmaErrors: pandas ewm(span).mean() with adjust=True', () => {
  const y = ewmaErrors([1, 2, 3], 3); // alpha 0.5
  assert.equal(y[0], 1);
  assert.ok(Math.abs(y[1]! - 2.5 / 1.5) < 1e-12);
  assert.ok(Math.abs(y[2]! - 4.25 / 1.75) < 1e-12);
  assert.deepEqual(Array.from(ewmaErrors([4, 4, 4], 10)), [4, 4, 4]);
  assert.throws(() => ewmaErrors([1], 0.5), /span must be a number >= 1/);
});

test('pruneSequences: keeps the maxima down to the last decrease of at least p', () => {
  // sorted: 10, 9.5, 5, 4.9 (non-anomalous); decreases 0.05, 0.47, 0.02
  assert.deepEqual(pruneSequences([5, 10, 9.5], 4.9, 0.13), [false, true, true]);
  // a large last decrease keeps everything before it
  assert.deepEqual(pruneSequences([5, 10, 9.5], 1, 0.13), [true, true, true]);
  // no decrease reaches p: all pruned
  assert.deepEqual(pruneSequences([1.05, 1.02], 1, 0.13), [false, false]);
  assert.deepEqual(pruneSequences([], 1, 0.13), []);
});

test('finds two injected bumps far apart, with positive severities', () => {
  const bumps: Bump[] = [
    [1500, 1549, 1],
    [4000, 4049, 0.5],
  ];
  for (const seed of [1, 2, 3]) {
    const r = dynamicThreshold(errorSeries(6000, bumps, seed), { ...small, errorBuffer: 30 });
    assert.equal(r.ranges.length, 2, `seed ${seed}: ${JSON.stringify(r.ranges)}`);
    r.ranges.forEach((range, i) => {
      const [a, b] = bumps[i]!;
      assert.ok(overlaps(range, a, b), `range ${range} misses bump ${a}..${b}`);
      // starts at the bump (the EWMA lags, the buffer only reaches back into
      // steps not yet labelled) and ends within the lag plus the buffer
      assert.ok(range[0] >= a - 30 && range[0] <= a + 20, `start ${range[0]}`);
      assert.ok(range[1] >= b && range[1] <= b + 30 + 60, `end ${range[1]}`);
    });
    assert.equal(r.scores.length, 2);
    assert.ok(r.scores[0]! > r.scores[1]! && r.scores[1]! > 0, `scores ${r.scores}`);
    assert.equal(r.smoothedErrors.length, 6000);
    // one window every 100 steps: ceil((6000 - 1000) / 100) + 1
    assert.equal(r.epsilons.length, 51);
    for (const w of r.epsilons) {
      assert.ok(w.epsilon >= w.mean + 2.5 * w.std - 1e-12 && w.z >= 2.5 && w.z <= 12);
      assert.ok(w.epsilonInverse !== undefined);
    }
  }
});

test('flat noise alone flags nothing', () => {
  for (const seed of [1, 2, 3]) {
    assert.deepEqual(dynamicThreshold(errorSeries(6000, [], seed), small).ranges, []);
    assert.deepEqual(dynamicThreshold(errorSeries(6000, [], seed)).ranges, []);
  }
});

test('pruning drops a bump whose maximum is within p of the largest normal error', () => {
  // +0.01 on noise in [0.1, 0.12): a clear step up for the epsilon search, but
  // its smoothed maximum is only ~5% above the largest non-anomalous error.
  const e = errorSeries(6000, [
    [1500, 1549, 1],
    [4000, 4049, 0.01],
  ]);
  const pruned = dynamicThreshold(e, small);
  assert.equal(pruned.ranges.length, 1);
  assert.ok(overlaps(pruned.ranges[0]!, 1500, 1549));
  const kept = dynamicThreshold(e, { ...small, p: 0.02 });
  assert.equal(kept.ranges.length, 2);
  assert.ok(overlaps(kept.ranges[1]!, 4000, 4049));
  // a larger bump passes p = 0.13
  const larger = errorSeries(6000, [
    [1500, 1549, 1],
    [4000, 4049, 0.03],
  ]);
  assert.equal(dynamicThreshold(larger, small).ranges.length, 2);
  // without pruning, noise excursions become anomalies too
  assert.ok(dynamicThreshold(e, { ...small, p: 0 }).ranges.length > 2);
});

test('the error buffer widens the ranges', () => {
  // a bump inside the first window: the buffer reaches both ways there
  const e = errorSeries(6000, [[300, 349, 1]]);
  const widths = [0, 10, 50, 100].map((errorBuffer) => {
    const r = dynamicThreshold(e, { ...small, errorBuffer });
    assert.equal(r.ranges.length, 1, `buffer ${errorBuffer}: ${JSON.stringify(r.ranges)}`);
    return r.ranges[0]!;
  });
  for (let i = 1; i < widths.length; i++) {
    const [prev, cur] = [widths[i - 1]!, widths[i]!];
    assert.ok(cur[0] < prev[0] && cur[1] > prev[1], `${cur} does not contain ${prev}`);
  }
  // with no buffer, only the points above epsilon: inside the (lagged) bump
  assert.ok(widths[0]![0] >= 300 && widths[0]![1] <= 349 + 30);
  assert.ok(widths[3]![0] <= 300 - 50 && widths[3]![1] >= 349 + 100);
});

test('the inverse search finds a stretch of unusually low errors', () => {
  const e = errorSeries(6000, [[3000, 3099, -0.08]]);
  const r = dynamicThreshold(e, small);
  assert.equal(r.ranges.length, 1);
  assert.ok(overlaps(r.ranges[0]!, 3000, 3099));
  assert.deepEqual(dynamicThreshold(e, { ...small, inverse: false }).ranges, []);
  assert.equal(dynamicThreshold(e, { ...small, inverse: false }).epsilons[0]!.zInverse, undefined);
});

test('scale checks: errors tiny against the values, or below minPeakError, flag nothing', () => {
  const e = errorSeries(6000, [[1500, 1549, 1]]);
  const big = Float32Array.from({ length: 6000 }, (_, i) => 100 * Math.sin(i / 10));
  assert.deepEqual(dynamicThreshold(e, { ...small, values: big }).ranges, []);
  const unit = Float32Array.from({ length: 6000 }, (_, i) => Math.sin(i / 10));
  assert.equal(dynamicThreshold(e, { ...small, values: unit }).ranges.length, 1);
  assert.deepEqual(dynamicThreshold(e, { ...small, minPeakError: 2 }).ranges, []);
  assert.throws(
    () => dynamicThreshold(e, { values: new Float32Array(10) }),
    /values has 10 entries but 6000 errors with valuesHorizon 1 need 6000/,
  );
  assert.throws(
    () => dynamicThreshold(e, { values: new Float32Array(6000), valuesHorizon: 10 }),
    /valuesHorizon 10 need 6009/,
  );
});

test("points are flagged only above 5% of the values' 5-95 percentile range", () => {
  // Values: mostly 0, 11% at +1 or -1: std 0.33, 5-95 range 2. A bump of 0.09
  // is above 5% of the std (0.017) but not above 5% of the range (0.1).
  const values = Float32Array.from({ length: 3000 }, (_, i) =>
    i % 18 === 0 ? 1 : i % 18 === 9 ? -1 : 0,
  );
  const e = errorSeries(3000, []).map((v) => (v - 0.1) / 20);
  e.fill(0.09, 1500, 1600);
  const plain = { ...small, smoothingWindow: 1, errorBuffer: 0 };
  assert.ok(dynamicThreshold(e, plain).ranges.length > 0);
  assert.deepEqual(dynamicThreshold(e, { ...plain, values }).ranges, []);
  const doubled = values.map((v) => v / 2); // range 1: 0.09 is above 0.05
  assert.ok(dynamicThreshold(e, { ...plain, values: doubled }).ranges.length > 0);
});

test("windowLayout 'telemanom': the last window runs to the end and labels only its last steps", () => {
  // 2340 steps, windows of 1000 every 100: 14 windows, the last [1300, 2340)
  // labelling [2240, 2340); steps 2200..2239 are never labelled.
  const opts = { ...small, smoothingWindow: 1, errorBuffer: 0, windowLayout: 'telemanom' as const };
  const e = errorSeries(2340, [[2210, 2230, 1]]);
  const r = dynamicThreshold(e, opts);
  assert.equal(r.epsilons.length, 14);
  assert.deepEqual([r.epsilons.at(-1)!.start, r.epsilons.at(-1)!.end], [1300, 2339]);
  assert.deepEqual(r.ranges, []);
  assert.deepEqual(dynamicThreshold(e, { ...opts, windowLayout: 'even' }).ranges, [[2210, 2230]]);
  // Under windowSize + stepSize steps: one window.
  assert.equal(dynamicThreshold(errorSeries(1099, []), opts).epsilons.length, 1);
});

test('dropSinglePoints: a one-step flag is not a range', () => {
  const opts = { ...small, smoothingWindow: 1, errorBuffer: 0 };
  const e = errorSeries(3000, [[1500, 1500, 1]]);
  assert.deepEqual(dynamicThreshold(e, opts).ranges, [[1500, 1500]]);
  assert.deepEqual(dynamicThreshold(e, { ...opts, dropSinglePoints: true }).ranges, []);
  const wide = errorSeries(3000, [[1500, 1501, 1]]);
  assert.deepEqual(dynamicThreshold(wide, { ...opts, dropSinglePoints: true }).ranges, [
    [1500, 1501],
  ]);
});

test('telemanomStartup: flattening over the input length, ignored steps by error length', () => {
  assert.deepEqual(telemanomStartup(8000, 250), { flattenFirst: 250, ignoreFirst: 500 });
  assert.deepEqual(telemanomStartup(2499, 250), { flattenFirst: 250, ignoreFirst: 250 });
  assert.deepEqual(telemanomStartup(1799, 250), { flattenFirst: 250, ignoreFirst: 0 });
});

test('flattenFirst: a start-up spike no longer masks a later bump', () => {
  // Large errors on the first steps (a forecaster warming up), then a bump
  // smaller than the spike inside the same evaluation windows.
  const e = errorSeries(6000, [
    [0, 19, 1.2],
    [1500, 1549, 0.5],
  ]);
  const opts = { ...small, windowSize: 2000, ignoreFirst: 200 };
  // the unflagged spike is the largest non-anomalous error: the bump is pruned
  assert.deepEqual(dynamicThreshold(e, opts).ranges, []);
  const r = dynamicThreshold(e, { ...opts, flattenFirst: 100 });
  assert.equal(r.ranges.length, 1);
  assert.ok(overlaps(r.ranges[0]!, 1500, 1549));
  // the first 100 smoothed errors are set to the mean of the first 200
  const level = r.smoothedErrors[0]!;
  for (let i = 0; i < 100; i++) assert.equal(r.smoothedErrors[i], level);
  assert.notEqual(r.smoothedErrors[100], level);
});

test('ignoreFirst: nothing is flagged before it, even past the first window', () => {
  const e = errorSeries(6000, [
    [300, 349, 1],
    [1200, 1249, 1],
    [3000, 3049, 1],
  ]);
  const r = dynamicThreshold(e, { ...small, ignoreFirst: 1500 });
  assert.ok(r.ranges.length >= 1);
  for (const [a] of r.ranges) assert.ok(a >= 1500, `range starts at ${a}`);
  assert.ok(r.ranges.some((range) => overlaps(range, 3000, 3049)));
  assert.ok(dynamicThreshold(e, small).ranges.some((range) => overlaps(range, 300, 349)));
});

test('mask helper marks exactly the ranges', () => {
  const r = dynamicThreshold(errorSeries(6000, [[1500, 1549, 1]]), small);
  const mask = dynamicThresholdMask(r);
  assert.equal(mask.length, 6000);
  const [a, b] = r.ranges[0]!;
  assert.equal(
    mask.reduce((s, v) => s + v, 0),
    b - a + 1,
  );
  assert.equal(mask[a], 1);
  assert.equal(mask[b], 1);
  assert.equal(mask[a - 1], 0);
  assert.equal(mask[b + 1], 0);
});

test('deterministic: same input, same result', () => {
  const e = errorSeries(8000, [
    [1200, 1300, 0.7],
    [5000, 5040, 0.4],
  ]);
  const a = dynamicThreshold(e);
  const b = dynamicThreshold(Float32Array.from(e));
  assert.deepEqual(a, b);
  assert.deepEqual(dynamicThreshold(e, small), dynamicThreshold(e, small));
});

test('short series: one window covering everything', () => {
  const e = errorSeries(500, [[200, 219, 1]]);
  const r = dynamicThreshold(e, { errorBuffer: 5 });
  assert.equal(r.epsilons.length, 1);
  assert.deepEqual([r.epsilons[0]!.start, r.epsilons[0]!.end], [0, 499]);
  assert.equal(r.ranges.length, 1);
  assert.ok(overlaps(r.ranges[0]!, 200, 219));
});

test('refuses empty or non-finite input and bad options with clear messages', () => {
  assert.throws(() => dynamicThreshold(new Float32Array(0)), /dynamicThreshold: errors is empty/);
  assert.throws(
    () => dynamicThreshold([0.1, 0.2, NaN, 0.1]),
    /errors has a non-finite value \(NaN\) at step 2/,
  );
  assert.throws(() => dynamicThreshold([0.1, Infinity]), /non-finite value \(Infinity\) at step 1/);
  const e = errorSeries(100, []);
  assert.throws(() => dynamicThreshold(e, { windowSize: 0 }), /windowSize must be a positive/);
  assert.throws(() => dynamicThreshold(e, { stepSize: 1.5 }), /stepSize must be a positive/);
  assert.throws(() => dynamicThreshold(e, { errorBuffer: -1 }), /errorBuffer must be a non-neg/);
  assert.throws(() => dynamicThreshold(e, { p: 2 }), /p must be in \[0, 1\]/);
  assert.throws(() => dynamicThreshold(e, { zRange: [5, 2] }), /zRange must be/);
  assert.throws(() => dynamicThreshold(e, { smoothingWindow: 0 }), /smoothingWindow must be/);
  assert.throws(() => dynamicThreshold(e, { flattenFirst: -1 }), /flattenFirst must be a non-neg/);
});
