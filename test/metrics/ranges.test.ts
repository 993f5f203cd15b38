import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  eventCounts,
  eventCountsFromRanges,
  maskToRanges,
  pointAdjustedF1Diagnostic,
  rangeBased,
  rangePrecision,
  rangeRecall,
  rangesToMask,
} from '../../src/metrics/index.js';
import { close } from '../helpers/close.js';

test('masks and ranges convert both ways', () => {
  const mask = Uint8Array.from([1, 1, 0, 0, 1, 0, 1]);
  const r = maskToRanges(mask);
  assert.deepEqual(r, [
    { start: 0, end: 1 },
    { start: 4, end: 4 },
    { start: 6, end: 6 },
  ]);
  assert.deepEqual(rangesToMask(r, 7), mask);
});

test('event-level counting (telemanom)', () => {
  const labelled = [
    { start: 2, end: 4 },
    { start: 10, end: 12 },
    { start: 20, end: 21 },
  ];
  const predicted = [
    { start: 3, end: 3 }, // hits the first range
    { start: 4, end: 6 }, // hits it again: still one TP
    { start: 8, end: 9 }, // overlaps nothing: FP
    { start: 11, end: 15 }, // hits the second
  ];
  const e = eventCountsFromRanges(predicted, labelled);
  assert.equal(e.tp, 2);
  assert.equal(e.fp, 1);
  assert.equal(e.fn, 1);
  close(e.precision, 2 / 3);
  close(e.recall, 2 / 3);
  // one predicted range spanning two labelled ranges gives two TPs
  const wide = eventCountsFromRanges([{ start: 0, end: 30 }], labelled);
  assert.deepEqual([wide.tp, wide.fp, wide.fn], [3, 0, 0]);
  // telemanom's code credits only the first labelled range, in the row's
  // order (unsorted), that a prediction overlaps
  const first = (p: { start: number; end: number }[], l: typeof labelled) => {
    const c = eventCountsFromRanges(p, l, { credit: 'first' });
    return [c.tp, c.fp, c.fn];
  };
  assert.deepEqual(first([{ start: 0, end: 30 }], labelled), [1, 0, 2]);
  const rowOrder = [labelled[2]!, labelled[0]!, labelled[1]!];
  assert.deepEqual(first([{ start: 0, end: 30 }], rowOrder), [1, 0, 2]);
  // a second prediction whose first overlap is already credited adds nothing
  assert.deepEqual(
    first(
      [
        { start: 1, end: 3 },
        { start: 4, end: 11 },
      ],
      labelled,
    ),
    [1, 0, 2],
  );
  assert.deepEqual(first(predicted, labelled), [2, 1, 1]);
  const m = eventCounts(rangesToMask(predicted, 25), rangesToMask(labelled, 25));
  // the masks merge [3,3] and [4,6] into one range; the counts do not change
  assert.deepEqual([m.tp, m.fp, m.fn], [2, 1, 1]);
});

test('range-based precision and recall (Tatbul et al.)', () => {
  const real = [{ start: 0, end: 9 }];
  const pred = [{ start: 5, end: 14 }];
  close(rangeRecall(real, pred), 0.5);
  close(rangePrecision(real, pred), 0.5);
  close(rangeRecall(real, pred, { alpha: 0.5 }), 0.75);
  // front bias: weights 10..1, the covered tail carries 5+4+3+2+1 of 55
  close(rangeRecall(real, pred, { bias: 'front' }), 15 / 55);
  close(rangeRecall(real, pred, { bias: 'back' }), 40 / 55);
  // middle: 1,2,3,4,5,5,4,3,2,1
  close(rangeRecall(real, pred, { bias: 'middle' }), 15 / 30);
  const split = [
    { start: 0, end: 2 },
    { start: 5, end: 6 },
  ];
  close(rangeRecall(real, split), 0.5);
  close(rangeRecall(real, split, { cardinality: 'reciprocal' }), 0.25);
  close(rangeRecall(real, split, { cardinality: (x) => 1 / (x * x) }), 0.125);
  // precision: one prediction over two real ranges, 4 of its 6 points covered
  const twoReal = [
    { start: 0, end: 3 },
    { start: 6, end: 9 },
  ];
  close(rangePrecision(twoReal, [{ start: 2, end: 7 }]), 4 / 6);
  close(rangePrecision(twoReal, [{ start: 2, end: 7 }], { cardinality: 'reciprocal' }), 1 / 3);
  // from masks; a missed range and a false range each pull the means down
  const s = rangeBased(
    rangesToMask(
      [
        { start: 5, end: 14 },
        { start: 30, end: 31 },
      ],
      40,
    ),
    rangesToMask(
      [
        { start: 0, end: 9 },
        { start: 20, end: 24 },
      ],
      40,
    ),
  );
  close(s.recall, 0.25);
  close(s.precision, 0.25);
  close(s.f1, 0.25);
});

test('point-adjusted F1 is a labelled diagnostic', () => {
  const labels = Uint8Array.from([0, 1, 1, 1, 0, 0, 1, 1]);
  const pred = Uint8Array.from([0, 0, 1, 0, 1, 0, 0, 0]);
  const d = pointAdjustedF1Diagnostic(pred, labels);
  assert.equal(d.diagnostic, true);
  assert.deepEqual(d.confusion, { tp: 3, fp: 1, tn: 2, fn: 2 });
  close(d.f1, 6 / 9);
});
