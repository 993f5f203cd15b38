import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  channelIndex,
  column,
  createSeries,
  firstNonFinite,
  selectChannels,
  selectRows,
  seriesFromColumns,
  sliceRows,
  stackSeries,
  valueAt,
} from '../../src/data/index.js';

const sample = () =>
  createSeries({
    data: Float32Array.from([1, 10, 100, 2, 20, 200, 3, 30, 300, 4, 40, 400]),
    channels: 3,
    timestamps: Float64Array.from([0, 1000, 2000, 3000]),
    names: ['a', 'b', 'c'],
  });

describe('Series', () => {
  it('derives the length and checks sizes', () => {
    const s = sample();
    assert.equal(s.length, 4);
    assert.equal(s.channels, 3);
    assert.throws(() => createSeries({ data: new Float32Array(5), channels: 2 }), /divide/);
    assert.throws(
      () => createSeries({ data: new Float32Array(6), channels: 2, length: 4 }),
      /expected 4 x 2/,
    );
    assert.throws(
      () =>
        createSeries({ data: new Float32Array(4), channels: 2, timestamps: new Float64Array(3) }),
      /2 steps but 3 timestamps/,
    );
    assert.throws(
      () => createSeries({ data: new Float32Array(4), channels: 2, names: ['x'] }),
      /2 channels but 1 names/,
    );
    assert.throws(() => createSeries({ data: new Float32Array(4), channels: 0 }), /positive/);
  });

  it('reads columns by index or name', () => {
    const s = sample();
    assert.deepEqual(Array.from(column(s, 1)), [10, 20, 30, 40]);
    assert.deepEqual(Array.from(column(s, 'c')), [100, 200, 300, 400]);
    assert.equal(channelIndex(s, 'b'), 1);
    assert.throws(() => column(s, 'z'), /no channel named 'z'; channel names: a, b, c/);
    assert.throws(() => column(s, 3), /out of range/);
    assert.equal(valueAt(s, 2, 1), 30);
  });

  it('slices rows as copies, with timestamps', () => {
    const s = sample();
    const part = sliceRows(s, 1, 3);
    assert.equal(part.length, 2);
    assert.deepEqual(Array.from(part.data), [2, 20, 200, 3, 30, 300]);
    assert.deepEqual(Array.from(part.timestamps!), [1000, 2000]);
    part.data[0] = -1;
    assert.equal(s.data[3], 2, 'slice must not alias the source');
    assert.equal(sliceRows(s, 4).length, 0);
    assert.throws(() => sliceRows(s, 3, 2), /outside/);
    assert.throws(() => sliceRows(s, 0, 5), /outside/);
  });

  it('selects rows by index, in the given order, with timestamps', () => {
    const s = sample();
    const part = selectRows(s, [3, 0]);
    assert.equal(part.length, 2);
    assert.deepEqual(Array.from(part.data), [4, 40, 400, 1, 10, 100]);
    assert.deepEqual(Array.from(part.timestamps!), [3000, 0]);
    assert.deepEqual(part.names, ['a', 'b', 'c']);
    assert.throws(() => selectRows(s, [4]), /row 4 outside 0\.\.3/);
  });

  it('selects and reorders channels', () => {
    const s = selectChannels(sample(), ['c', 0]);
    assert.equal(s.channels, 2);
    assert.deepEqual(s.names, ['c', 'a']);
    assert.deepEqual(Array.from(s.data), [100, 1, 200, 2, 300, 3, 400, 4]);
  });

  it('builds from columns and stacks equal series', () => {
    const s = seriesFromColumns(
      [
        [1, 2],
        [3, 4],
      ],
      { names: ['x', 'y'] },
    );
    assert.deepEqual(Array.from(s.data), [1, 3, 2, 4]);
    assert.throws(() => seriesFromColumns([[1, 2], [3]]), /column 1 has 1 values/);
    const stacked = stackSeries([s, s]);
    assert.deepEqual(stacked.shape, [2, 2, 2]);
    assert.deepEqual(Array.from(stacked.data), [1, 3, 2, 4, 1, 3, 2, 4]);
    assert.throws(() => stackSeries([s, sample()]), /series 1 is 4 x 3/);
  });

  it('finds the first non-finite value', () => {
    assert.equal(firstNonFinite([1, 2, 3]), -1);
    assert.equal(firstNonFinite([1, NaN, Infinity]), 1);
  });
});
