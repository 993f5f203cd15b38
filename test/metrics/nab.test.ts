import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NAB_PROFILES,
  exhaustiveThreshold,
  hillClimbThreshold,
  locateWindows,
  nabFileScores,
  nabRowScores,
  nabScore,
  nabScoreCurve,
  nabTotalAt,
  parseNabProfiles,
  parseNabTimestamp,
  probationaryLength,
  scaledSigmoid,
} from '../../src/metrics/index.js';
import { close } from '../helpers/close.js';

const standard = NAB_PROFILES.standard;

test('scaled sigmoid', () => {
  close(scaledSigmoid(-1), 2 / (1 + Math.exp(-5)) - 1);
  close(scaledSigmoid(0), 0);
  close(scaledSigmoid(3), 2 / (1 + Math.exp(15)) - 1);
  assert.equal(scaledSigmoid(3.01), -1);
});

test('probationary period: 15% of the file, at most 750 rows', () => {
  assert.equal(probationaryLength(1000), 150);
  assert.equal(probationaryLength(4032), 604);
  assert.equal(probationaryLength(22695), 750);
});

test('timestamps and windows on rows', () => {
  const t = [
    '2014-04-01 00:00:00',
    '2014-04-01 00:05:00',
    '2014-04-01 00:10:00',
    '2014-04-01 00:15:00',
  ];
  const times = Float64Array.from(t, parseNabTimestamp);
  assert.equal(parseNabTimestamp('2014-04-01 00:05:00.000000'), times[1]);
  const w = locateWindows(times, [[times[1], times[2]]]);
  assert.deepEqual(w, [{ start: 1, end: 2 }]);
  assert.throws(() => parseNabTimestamp('yesterday'), /not a timestamp/);
});

test('per-row rewards: window, after the window, before any window', () => {
  const r = nabRowScores(16, [{ start: 4, end: 6 }], standard);
  for (let i = 0; i < 4; i++) close(r.reward[i], -0.11);
  close(r.reward[4], 1); // a window's first row earns tpWeight
  close(r.reward[5], scaledSigmoid(-2 / 3) / scaledSigmoid(-1));
  close(r.reward[6], scaledSigmoid(-1 / 3) / scaledSigmoid(-1));
  close(r.reward[7], 0.11 * scaledSigmoid(0.5)); // one row past a window of width 3
  close(r.reward[12], 0.11 * scaledSigmoid(3));
  close(r.reward[13], -0.11);
  assert.deepEqual(Array.from(r.window.subarray(3, 8)), [-1, 0, 0, 0, -1]);
});

// One file of 20 rows (3 probationary), a window on rows 10..12; the detector
// fires at row 11 (0.9, inside the window) and row 5 (0.8, a false alarm).
function corpus() {
  const scores = new Float64Array(20);
  scores[11] = 0.9;
  scores[5] = 0.8;
  scores[1] = 1; // probationary: ignored
  return [{ name: 'cat/f.csv', scores, windows: [{ start: 10, end: 12 }] }];
}

test('score curve, exhaustive and hill-climb thresholds', () => {
  const files = corpus();
  const curve = nabScoreCurve(files, standard);
  const tp = scaledSigmoid(-2 / 3) / scaledSigmoid(-1);
  const fpRow5 = -0.11; // before any window
  assert.deepEqual(Array.from(curve.thresholds), [0.9, 0.8, 0]);
  close(curve.noneTotal, -1);
  close(curve.totals[0], tp);
  close(curve.totals[1], tp + fpRow5);
  close(nabTotalAt(curve, 0.85), tp);
  close(nabTotalAt(curve, 0.95), -1);
  assert.deepEqual(exhaustiveThreshold(curve), { threshold: 0.9, total: curve.totals[0] });
  // The local search starts at 0.5, where both alarms fire, and every nearby
  // step gives the same total: it stays on that plateau.
  const h = hillClimbThreshold(curve);
  close(h.total, tp + fpRow5);
  assert.ok(h.threshold < 0.8);
  const f = nabFileScores(files, standard, 0.5);
  assert.deepEqual(
    { ...f[0], score: 0 },
    { name: 'cat/f.csv', score: 0, detected: 1, missed: 0, falsePositives: 1 },
  );
  close(f[0].score, tp + fpRow5);
});

test('normalisation: null detector 0, perfect detector 100', () => {
  const files = corpus();
  const perfect = new Float64Array(20);
  perfect[10] = 1;
  const p = nabScore([{ ...files[0], scores: perfect }]);
  for (const name of Object.keys(NAB_PROFILES)) close(p[name].score, 100);
  const z = nabScore([{ ...files[0], scores: new Float64Array(20) }]);
  for (const name of Object.keys(NAB_PROFILES)) close(z[name].score, 0);
  const s = nabScore(files, NAB_PROFILES, { thresholdSearch: 'exhaustive' }).standard;
  close(s.score, (100 * (s.raw + 1)) / 2);
  close(s.raw, scaledSigmoid(-2 / 3) / scaledSigmoid(-1));
});

test('profiles file layout', () => {
  const p = parseNabProfiles({
    a: { CostMatrix: { tpWeight: 1, fpWeight: 0.5, fnWeight: 2, tnWeight: 1 } },
  });
  assert.deepEqual(p.a, { tpWeight: 1, fpWeight: 0.5, fnWeight: 2, tnWeight: 1 });
  assert.throws(() => parseNabProfiles({ a: { CostMatrix: { tpWeight: 1 } } }), /fpWeight/);
});
