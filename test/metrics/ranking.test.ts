import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  averagePrecision,
  breakEvenPoint,
  empiricalCdf,
  prAucTrapezoid,
  prCurve,
  rocAuc,
  rocCurve,
  thresholdTable,
} from '../../src/metrics/index.js';
import { applyThreshold } from '../../src/thresholds/index.js';
import { close } from '../helpers/close.js';
import { lcg } from '../helpers/lcg.js';

const rng = lcg;

test('ROC AUC with ties equals the Mann-Whitney statistic (hand case)', () => {
  const scores = Float64Array.from([0.1, 0.4, 0.35, 0.8, 0.4]);
  const labels = Uint8Array.from([0, 0, 1, 1, 1]);
  // pairs won: 0.35 beats 0.1; 0.8 beats both; 0.4 beats 0.1 and ties 0.4
  close(rocAuc(scores, labels), 4.5 / 6);
});

test('ROC AUC matches a brute-force pair count and the ROC trapezoid', () => {
  const r = rng(7);
  const n = 300;
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = r() < 0.3 ? 1 : 0;
    scores[i] = Math.floor(r() * 10) + labels[i] * 2; // many ties
  }
  let u = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    if (!labels[i]) continue;
    for (let j = 0; j < n; j++) {
      if (labels[j]) continue;
      pairs++;
      u += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  const auc = rocAuc(scores, labels);
  close(auc, u / pairs);
  const c = rocCurve(scores, labels);
  let area = 0;
  for (let k = 1; k < c.fpr.length; k++)
    area += ((c.fpr[k] - c.fpr[k - 1]) * (c.tpr[k] + c.tpr[k - 1])) / 2;
  close(area, auc);
  assert.equal(c.fpr[0], 0);
  assert.equal(c.tpr[c.tpr.length - 1], 1);
});

test('ROC AUC needs both classes and no NaN', () => {
  assert.throws(() => rocAuc([1, 2], Uint8Array.from([1, 1])), /both classes/);
  assert.throws(() => rocAuc([1, NaN], Uint8Array.from([1, 0])), /NaN/);
});

test('average precision and PR trapezoid (hand cases)', () => {
  const scores = [0.9, 0.8, 0.7, 0.6];
  const labels = Uint8Array.from([1, 0, 1, 0]);
  close(averagePrecision(scores, labels), 0.5 * 1 + 0.5 * (2 / 3));
  // (0,1) (0.5,1) (0.5,0.5) (1,2/3) (1,0.5)
  close(prAucTrapezoid(scores, labels), 0.5 + (0.5 * (0.5 + 2 / 3)) / 2);
  // a tie between a positive and a negative is one threshold
  close(averagePrecision([0.5, 0.5, 0.2], Uint8Array.from([1, 0, 1])), 0.25 + 0.5 * (2 / 3));
  const c = prCurve(scores, labels);
  assert.deepEqual(Array.from(c.recall), [0, 0.5, 0.5, 1, 1]);
  assert.deepEqual(Array.from(c.precision), [1, 1, 0.5, 2 / 3, 0.5]);
});

test('threshold table rows are reproduced by applyThreshold', () => {
  const scores = Float64Array.from([0.9, 0.8, 0.7, 0.6, 0.7]);
  const labels = Uint8Array.from([1, 0, 1, 0, 0]);
  const t = thresholdTable(scores, labels);
  assert.deepEqual(Array.from(t.threshold), [0.9, 0.8, 0.7, 0.6, -Infinity]);
  assert.deepEqual(Array.from(t.tp), [0, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(t.fp), [0, 0, 1, 2, 3]);
  assert.deepEqual(Array.from(t.tn), [3, 3, 2, 1, 0]);
  assert.deepEqual(Array.from(t.fn), [2, 1, 1, 0, 0]);
  close(t.f1[3], 4 / 6);
  close(t.detectionRatio[2], 2 / 3);
  for (let k = 0; k < t.threshold.length; k++) {
    const flagged = applyThreshold(scores, t.threshold[k]);
    let tp = 0;
    let fp = 0;
    flagged.forEach((f, i) => {
      if (f && labels[i]) tp++;
      else if (f) fp++;
    });
    assert.equal(tp, t.tp[k]);
    assert.equal(fp, t.fp[k]);
  }
});

test('break-even point: recall meets the detection ratio', () => {
  const b = breakEvenPoint([0.9, 0.8, 0.7, 0.6], Uint8Array.from([1, 0, 1, 0]));
  // recall 0, .5, .5, 1, 1 against detection ratio 1, 1, .5, .5, 0
  assert.deepEqual(b, { threshold: 0.7, recall: 0.5, detectionRatio: 0.5, value: 0.5 });
});

test('empirical CDF', () => {
  const e = empiricalCdf([3, 1, 2, 2]);
  assert.deepEqual(Array.from(e.values), [1, 2, 3]);
  assert.deepEqual(Array.from(e.cdf), [0.25, 0.75, 1]);
  assert.equal(e.at(2.5), 0.75);
  assert.equal(e.at(0), 0);
  assert.equal(e.at(3), 1);
});
