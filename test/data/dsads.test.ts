import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AMSL_ABNORMAL_ACTIVITIES,
  amslSplit,
  dsadsPersons,
  readDsads,
  readDsadsSegment,
  stackSeries,
} from '../../src/data/index.js';
import { dataset } from '../helpers/datasets.js';
import { scratchFile, throwsDataError } from './support.js';

const root = dataset('dsads');

describe('DSADS', () => {
  it('reads a segment as [125, 45]', () => {
    const s = readDsadsSegment(join(root, 'a01', 'p1', 's01.txt'));
    assert.deepEqual([s.length, s.channels], [125, 45]);
    assert.equal(s.data[0], Math.fround(8.1305));
    assert.equal(s.data[44], Math.fround(-0.05773));
    assert.equal(s.data[45], Math.fround(8.1305)); // row 2 starts with the same value
  });

  it('lists the persons present (the shared copy has p1 and p2)', () => {
    assert.deepEqual(dsadsPersons(root), [1, 2]);
    const dir = join(scratchFile('keep.txt', ''), '..');
    throwsDataError(() => dsadsPersons(dir), dir, 'no person folders');
  });

  it('filters by activity, person and segment, in order', () => {
    const segments = readDsads(root, { activities: [5, 1], persons: [2], segments: [1, 2, 60] });
    assert.deepEqual(
      segments.map((s) => [s.activity, s.person, s.segment]),
      [
        [1, 2, 1],
        [1, 2, 2],
        [1, 2, 60],
        [5, 2, 1],
        [5, 2, 2],
        [5, 2, 60],
      ],
    );
    assert.deepEqual(stackSeries(segments.map((s) => s.series)).shape, [6, 125, 45]);
  });

  it('reports absent activities, a missing root and malformed segments', () => {
    throwsDataError(
      () => readDsads(root, { activities: [20], persons: [1] }),
      root,
      'no segments found for activity 20',
    );
    const missing = join(root, 'nowhere');
    throwsDataError(() => readDsads(missing), missing, 'directory not found');
    const short = scratchFile('s99.txt', '1,2,3\n4,5,6\n');
    throwsDataError(
      () => readDsadsSegment(short),
      short,
      'expected 125 rows x 45 columns, found 2 x 3',
    );
  });
});

describe('AMSL split', () => {
  const fake = () =>
    Array.from({ length: 19 * 10 }, (_, i) => ({ activity: 1 + Math.floor(i / 10), id: i }));

  it('trains on 60% of the normal segments and tests on the rest plus every abnormal one', () => {
    const segments = fake();
    const split = amslSplit(segments, { seed: 1 });
    assert.equal(split.train.length, 84); // 14 normal activities x 10 x 0.6
    assert.equal(split.test.length, 56 + 50);
    assert.ok(split.train.every((s) => !AMSL_ABNORMAL_ACTIVITIES.includes(s.activity)));
    split.test.forEach((s, i) => {
      assert.equal(split.testLabels[i], AMSL_ABNORMAL_ACTIVITIES.includes(s.activity) ? 1 : 0);
    });
    const ids = [...split.train, ...split.test].map((s) => s.id).sort((a, b) => a - b);
    assert.deepEqual(
      ids,
      segments.map((s) => s.id),
    );
  });

  it('is reproducible per seed and shuffles differently across seeds', () => {
    const a = amslSplit(fake(), { seed: 5 }).train.map((s) => s.id);
    const b = amslSplit(fake(), { seed: 5 }).train.map((s) => s.id);
    const c = amslSplit(fake(), { seed: 6 }).train.map((s) => s.id);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.throws(() => amslSplit(fake(), { seed: 1, trainFraction: 1.5 }), /trainFraction/);
  });

  it('splits real segments', () => {
    const segments = readDsads(root, {
      activities: [1, 5],
      persons: [1],
      segments: [1, 2, 3, 4, 5],
    });
    const split = amslSplit(segments, { seed: 0 });
    assert.equal(split.train.length, 3);
    assert.equal(split.test.length, 7);
    assert.equal(
      split.testLabels.reduce((n, v) => n + v, 0),
      5,
    );
  });
});
