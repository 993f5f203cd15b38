import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracy,
  confusionMatrix,
  f1,
  fBeta,
  falsePositiveRate,
  macroF1,
  macroPrecision,
  macroRecall,
  precision,
  recall,
  specificity,
} from '../../src/metrics/index.js';
import { close } from '../helpers/close.js';

// tp 2 (0, 4), fp 2 (1, 5), fn 1 (2), tn 5
const pred = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0]);
const labels = Uint8Array.from([1, 0, 1, 0, 1, 0, 0, 0, 0, 0]);

test('confusion matrix counts', () => {
  assert.deepEqual(confusionMatrix(pred, labels), { tp: 2, fp: 2, tn: 5, fn: 1 });
});

test('confusion-based ratios', () => {
  const c = confusionMatrix(pred, labels);
  close(accuracy(c), 0.7);
  close(precision(c), 0.5);
  close(recall(c), 2 / 3);
  close(specificity(c), 5 / 7);
  close(falsePositiveRate(c), 2 / 7);
  close(f1(c), 4 / 7);
  close(fBeta(c, 2), 0.625); // 5 P R / (4 P + R)
  close(fBeta(c, 0.5), 2.5 / 4.75);
  assert.throws(() => fBeta(c, 0), /beta/);
});

test('zero denominators give 0, not NaN', () => {
  const c = confusionMatrix(new Uint8Array(4), Uint8Array.from([0, 0, 1, 0]));
  assert.equal(precision(c), 0);
  assert.equal(f1(c), 0);
  assert.equal(recall(c), 0);
  assert.equal(specificity(c), 1);
});

test('AMSL macro precision, recall and mF1', () => {
  const c = confusionMatrix(pred, labels);
  // precision: abnormal 2/4, normal 5/6; recall: abnormal 2/3, normal 5/7
  close(macroPrecision(c), (0.5 + 5 / 6) / 2);
  close(macroRecall(c), (2 / 3 + 5 / 7) / 2);
  const p = 2 / 3;
  const r = 29 / 42;
  close(macroF1(c), (2 * p * r) / (p + r));
  close(macroF1(c), 116 / 171);
});

test('length mismatch is refused', () => {
  assert.throws(
    () => confusionMatrix(new Uint8Array(3), new Uint8Array(4)),
    /3 entries but labels 4/,
  );
});
