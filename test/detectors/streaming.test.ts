import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RollingWindow } from '../../src/detectors/streaming/rolling-window.js';
import {
  log10UpperTail,
  scoreStream,
  WindowedLikelihood,
} from '../../src/detectors/streaming/windowed-likelihood.js';
import { createRng } from '../../src/data/random.js';

test('RollingWindow keeps the last values sorted: quantiles, mean and std', () => {
  const w = new RollingWindow(4);
  for (const v of [5, 1, 4, 2, 3, 10]) w.push(v);
  // Last four: 4, 2, 3, 10.
  assert.equal(w.size, 4);
  assert.equal(w.quantile(0), 2);
  assert.equal(w.quantile(1), 10);
  assert.equal(w.quantile(0.5), 3.5);
  assert.equal(w.mean(), 4.75);
  const m = 4.75;
  const std = Math.sqrt(((4 - m) ** 2 + (2 - m) ** 2 + (3 - m) ** 2 + (10 - m) ** 2) / 4);
  assert.ok(Math.abs(w.std() - std) < 1e-12);
  assert.throws(() => w.push(NaN), /finite/);
});

test('log10UpperTail matches known normal tails and stays finite far out', () => {
  assert.ok(Math.abs(log10UpperTail(0) - Math.log10(0.5)) < 1e-6);
  assert.ok(Math.abs(10 ** log10UpperTail(1.959964) - 0.025) < 1e-6);
  assert.ok(Math.abs(10 ** log10UpperTail(3) - 0.0013499) < 1e-6);
  // Q(6) = 9.8659e-10, Q(10) = 7.6199e-24 (both branches).
  assert.ok(Math.abs(log10UpperTail(6) - Math.log10(9.8659e-10)) < 1e-3);
  assert.ok(Math.abs(log10UpperTail(10) - Math.log10(7.6199e-24)) < 1e-3);
  assert.ok(Number.isFinite(log10UpperTail(50)));
  assert.ok(log10UpperTail(50) < log10UpperTail(49));
});

test('windowed likelihood: causal, zero in probation, peaks at a spike', () => {
  const rng = createRng(7);
  const n = 2000;
  const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 20) + 0.1 * rng.next());
  values[1500] = 8;
  const scores = scoreStream(values, {}, 300);
  assert.equal(scores.length, n);
  for (let i = 0; i < 300; i++) assert.equal(scores[i], 0);
  for (const s of scores) assert.ok(s >= 0 && s <= 1);
  let argmax = 0;
  for (let i = 1; i < n; i++) if (scores[i]! > scores[argmax]!) argmax = i;
  assert.equal(argmax, 1500);
  // Causal: changing a later value changes no earlier score.
  const changed = Float64Array.from(values);
  changed[1800] = -20;
  const again = scoreStream(changed, {}, 300);
  for (let i = 0; i < 1800; i++) assert.equal(again[i], scores[i]);
  // Non-finite values are skipped with score 0.
  const d = new WindowedLikelihood();
  assert.equal(d.update(NaN), 0);
  assert.throws(() => new WindowedLikelihood({ longWindow: 0 }), /longWindow/);
});
