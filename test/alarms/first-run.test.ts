import { test } from 'node:test';
import assert from 'node:assert/strict';
import { correlationLength, findIncidents, firstRunSettings } from '../../src/alarms/index.js';
import { createRng } from '../../src/data/random.js';
import { thresholdAtFpr } from '../../src/thresholds/index.js';

/** White noise smoothed by a trailing moving average of `span` steps. */
function smoothedNoise(n: number, span: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const raw = Array.from({ length: n + span }, () => rng.next());
  const out = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let k = 0; k < span; k++) s += raw[t + k]!;
    out[t] = s / span;
  }
  return out;
}

test('correlationLength follows the smoothing span', () => {
  assert.equal(correlationLength(smoothedNoise(5000, 1, 1)), 1);
  const l = correlationLength(smoothedNoise(20_000, 50, 1));
  assert.ok(l > 25 && l < 50, `length ${l}`);
});

test('first-run settings: one incident for one fault in smoothed normal noise, none for noise', () => {
  const normal = smoothedNoise(20_000, 20, 1);
  const threshold = thresholdAtFpr(normal, 0.01).value;
  const settings = firstRunSettings({ threshold, targetRate: 0.01, normalScores: normal });
  assert.ok(settings.rules.mergeGap >= 10);
  assert.ok(settings.rules.openAbove! > threshold);
  const test = smoothedNoise(20_000, 20, 2);
  for (let t = 12_000; t < 12_300; t++) test[t] = test[t]! + 0.5;
  const found = findIncidents(test, { threshold, targetRate: 0.01, normalScores: normal });
  assert.equal(found.drift, undefined);
  assert.equal(found.incidents.length, 1);
  assert.ok(found.incidents[0]!.start <= 12_000 && found.incidents[0]!.end >= 12_299);
  const quiet = findIncidents(smoothedNoise(20_000, 20, 3), {
    threshold,
    targetRate: 0.01,
    normalScores: normal,
  });
  assert.ok(quiet.incidents.length <= 1, `${quiet.incidents.length} false incidents`);
});

test('first-run settings: drifted data gives one finding, not many incidents', () => {
  const normal = smoothedNoise(20_000, 5, 1);
  const threshold = thresholdAtFpr(normal, 0.01).value;
  const drifted = smoothedNoise(30_000, 5, 4);
  for (let t = 10_000; t < drifted.length; t++) drifted[t] = drifted[t]! + 0.25; // a shift
  const found = findIncidents(drifted, { threshold, targetRate: 0.01, normalScores: normal });
  assert.ok(found.drift, 'drift found');
  assert.ok(found.drift.since >= 8_000 && found.drift.since < 12_000, `since ${found.drift.since}`);
  assert.ok(found.incidents.length <= 1);
  assert.ok(found.absorbed >= 1);
});
