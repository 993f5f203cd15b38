import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitGpd,
  parseThreshold,
  thresholdAtTargetRate,
  thresholdEvt,
  thresholdToJson,
} from '../../src/thresholds/index.js';
import { createRng } from '../../src/data/random.js';

/** n draws of GPD(shape, scale) by inverting its distribution function. */
function gpdSample(n: number, shape: number, scale: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => {
    const u = rng.next();
    return shape === 0 ? -scale * Math.log(1 - u) : (scale / shape) * (Math.pow(1 - u, -shape) - 1);
  });
}

test('fitGpd recovers shape and scale of generated tails', () => {
  for (const [shape, scale] of [
    [0.3, 2],
    [0, 1],
    [-0.3, 0.5],
  ] as const) {
    const fit = fitGpd(gpdSample(20_000, shape, scale, 7));
    assert.ok(Math.abs(fit.shape - shape) < 0.05, `shape ${fit.shape} for ${shape}`);
    assert.ok(Math.abs(fit.scale / scale - 1) < 0.06, `scale ${fit.scale} for ${scale}`);
  }
  assert.throws(() => fitGpd(new Float64Array([1])), /at least 2/);
});

test('thresholdEvt extrapolates a rate that 500 held-out scores cannot show', () => {
  // Exponential(1) scores: the score exceeded with probability 1e-3 is ln(1e3) = 6.91;
  // 500 scores hold on average 0.5 such exceedances. Small-sample fits scatter (the
  // shape's standard error with 50 peaks is about 0.15), so the median error is checked.
  const errors: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const t = thresholdEvt(gpdSample(500, 0, 1, seed), 1e-3);
    assert.equal(t.kind, 'evt');
    assert.equal(t.peaks, 50);
    errors.push(Math.abs(t.value - Math.log(1e3)));
  }
  errors.sort((a, b) => a - b);
  assert.ok(errors[10]! < 0.2 * Math.log(1e3), `median error ${errors[10]}`);
  assert.throws(() => thresholdEvt([1, 2, 3], 0.01), /cannot be fitted/);
});

test('thresholdAtTargetRate: empirical with enough scores, EVT and a warning with numbers without', () => {
  const many = thresholdAtTargetRate(gpdSample(1000, 0, 1, 3), 0.01);
  assert.equal(many.threshold.kind, 'fpr');
  assert.equal(many.warning, undefined);
  const few = thresholdAtTargetRate(gpdSample(600, 0, 1, 3), 0.01);
  assert.equal(few.threshold.kind, 'evt');
  assert.match(few.warning!, /600 scores; a false-positive rate of 0.01 needs at least 1000/);
  // Realised rate on fresh normal scores from the same distribution stays near the target.
  const fresh = gpdSample(200_000, 0, 1, 99);
  let over = 0;
  for (const s of fresh) if (s > few.threshold.value) over++;
  assert.ok(over / fresh.length < 0.015 && over / fresh.length > 0.005, `${over / fresh.length}`);
  const round = parseThreshold(JSON.parse(thresholdToJson(few.threshold)));
  assert.deepEqual(round, few.threshold);
});
