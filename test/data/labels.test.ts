import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  maskToRanges,
  mergeRanges,
  rangesToMask,
  readChannelRangeTable,
  readLabelColumn,
  readRanges,
  readTelemanomLabels,
} from '../../src/data/index.js';
import { dataset } from '../helpers/datasets.js';
import { scratchFile, throwsDataError } from './support.js';

describe('ranges and masks', () => {
  it('converts inclusive ranges to a mask and back', () => {
    const mask = rangesToMask(
      [
        [1, 2],
        [5, 5],
      ],
      7,
    );
    assert.deepEqual(Array.from(mask), [0, 1, 1, 0, 0, 1, 0]);
    assert.deepEqual(maskToRanges(mask), [
      [1, 2],
      [5, 5],
    ]);
    assert.deepEqual(maskToRanges([1, 1, 0, 1]), [
      [0, 1],
      [3, 3],
    ]);
    assert.deepEqual(maskToRanges([true, false, false]), [[0, 0]]);
    assert.deepEqual(maskToRanges([]), []);
    assert.throws(() => rangesToMask([[3, 7]], 7), /ends past the last row 6/);
    assert.throws(() => rangesToMask([[4, 2]], 7), /not a valid range/);
  });

  it('merges overlapping and touching ranges', () => {
    assert.deepEqual(
      mergeRanges([
        [5, 6],
        [0, 2],
        [3, 3],
        [8, 9],
        [9, 12],
      ]),
      [
        [0, 3],
        [5, 6],
        [8, 12],
      ],
    );
  });
});

describe('label files', () => {
  it('reads ranges from JSON and CSV', () => {
    const bare = scratchFile('r1.json', '[[0, 3], [10, 12]]');
    assert.deepEqual(readRanges(bare), [
      [0, 3],
      [10, 12],
    ]);
    const keyed = scratchFile('r2.json', '{"ranges": [[5, 5]]}');
    assert.deepEqual(readRanges(keyed), [[5, 5]]);
    const csv = scratchFile('r3.csv', 'start,end\n0,3\n10,12\n');
    assert.deepEqual(readRanges(csv), [
      [0, 3],
      [10, 12],
    ]);
    const noHeader = scratchFile('r4.csv', '7,9\n');
    assert.deepEqual(readRanges(noHeader), [[7, 9]]);
  });

  it('reports malformed ranges with the place', () => {
    const pair = scratchFile('bad1.json', '[[0, 3], [4]]');
    throwsDataError(() => readRanges(pair), pair, "key '[1]': expected [start, end], found [4]");
    const order = scratchFile('bad2.json', '{"ranges": [[5, 2]]}');
    throwsDataError(() => readRanges(order), order, "key 'ranges[0]'", 'not a valid range');
    const csv = scratchFile('bad3.csv', 'start,end\n0,3\n9,x\n');
    throwsDataError(() => readRanges(csv), csv, "line 3: end 'x' is not a non-negative integer");
    const backwards = scratchFile('bad4.csv', '9,3\n');
    throwsDataError(() => readRanges(backwards), backwards, 'line 1: start 9 is after end 3');
  });

  it('reads a 0/1 label column', () => {
    const single = scratchFile('mask.csv', '0\n1\n1\n0\n');
    assert.deepEqual(Array.from(readLabelColumn(single)), [0, 1, 1, 0]);
    const named = scratchFile('labelled.csv', 'value,label\n3.5,0\n4.5,1\n');
    assert.deepEqual(Array.from(readLabelColumn(named)), [0, 1]);
    assert.deepEqual(maskToRanges(readLabelColumn(named, { column: 'label' })), [[1, 1]]);
    const bad = scratchFile('badmask.csv', 'label\n0\n2\n');
    throwsDataError(() => readLabelColumn(bad), bad, "line 3: expected a label 0 or 1, found '2'");
  });
});

describe('telemanom labels', () => {
  it("reads labeled_anomalies.csv with inclusive ranges, P-2's two rows kept apart", () => {
    const labels = readTelemanomLabels(dataset('smap_msl', 'labeled_anomalies.csv'));
    assert.equal(labels.length, 82);
    assert.deepEqual(labels[0], {
      channel: 'P-1',
      spacecraft: 'SMAP',
      ranges: [
        [2149, 2349],
        [4536, 4844],
        [3539, 3779],
      ],
      classes: ['contextual', 'contextual', 'contextual'],
      numValues: 8505,
    });
    assert.equal(labels.filter((l) => l.channel === 'P-2').length, 2);
    assert.equal(labels.filter((l) => l.channel === 'T-10').length, 0);
    assert.equal(labels.filter((l) => l.spacecraft === 'MSL').length, 27);
    const sequences = labels.reduce((n, l) => n + l.ranges.length, 0);
    assert.equal(sequences, 105); // TP + FN of the reference run: 87 + 18
  });

  it('reports a malformed row of labeled_anomalies.csv', () => {
    const path = scratchFile(
      'labeled.csv',
      'chan_id,spacecraft,anomaly_sequences,class,num_values\nX-1,SMAP,"[[1, 5]]",[point],10\nX-2,SMAP,"[[1, 50]]",[point],10\n',
    );
    throwsDataError(
      () => readTelemanomLabels(path),
      path,
      'line 3: range [1, 50] ends past the last row 9',
    );
    const missing = scratchFile('nocol.csv', 'chan_id,spacecraft\nX,SMAP\n');
    throwsDataError(() => readTelemanomLabels(missing), missing, "no column 'anomaly_sequences'");
  });

  it('reads the per-channel range table', () => {
    const path = scratchFile(
      'table.csv',
      'chan_id,num_values,num_true_anoms,start1,end1,start2,end2\nA-1,100,2,3,5,40,41\nA-2,50,1,0,9,,\nA-3,20,0\n',
    );
    assert.deepEqual(readChannelRangeTable(path), [
      {
        channel: 'A-1',
        numValues: 100,
        ranges: [
          [3, 5],
          [40, 41],
        ],
      },
      { channel: 'A-2', numValues: 50, ranges: [[0, 9]] },
      { channel: 'A-3', numValues: 20, ranges: [] },
    ]);
    const bad = scratchFile(
      'table-bad.csv',
      'chan_id,num_values,num_true_anoms,start1,end1\nA-1,100,2,3,5\n',
    );
    throwsDataError(
      () => readChannelRangeTable(bad),
      bad,
      'line 2: num_true_anoms is 2 but the row has 1 ranges',
    );
    const odd = scratchFile(
      'table-odd.csv',
      'chan_id,num_values,num_true_anoms,start1,end1\nA-1,100,1,3\n',
    );
    throwsDataError(() => readChannelRangeTable(odd), odd, 'line 2: odd number of range cells');
  });
});
