import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSeries, downsample, slidingWindows, windowCount } from '../../src/data/index.js';

/** Rows 0..n-1 with channels (t, 10t). */
const ramp = (n: number) =>
  createSeries({
    data: Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? i / 2 : 5 * i - 5)),
    channels: 2,
    timestamps: Float64Array.from({ length: n }, (_, t) => 1000 * t),
  });

describe('sliding windows', () => {
  it('cuts input and target windows with the documented alignment', () => {
    const w = slidingWindows(ramp(10), { size: 3, shift: 2, horizon: 2 });
    // starts 0, 2, 4 fit (4 + 3 + 2 = 9 <= 10); start 6 would need row 10
    assert.equal(w.count, 3);
    assert.deepEqual(Array.from(w.starts), [0, 2, 4]);
    assert.deepEqual(Array.from(w.targetStarts), [3, 5, 7]);
    assert.equal(w.inputs.length, 3 * 3 * 2);
    assert.equal(w.targets.length, 3 * 2 * 2);
    // window 1: input rows 2, 3, 4 and target rows 5, 6, both channels interleaved
    assert.deepEqual(Array.from(w.inputs.subarray(6, 12)), [2, 20, 3, 30, 4, 40]);
    assert.deepEqual(Array.from(w.targets.subarray(4, 8)), [5, 50, 6, 60]);
  });

  it('handles no horizon, exact fits and too-short series', () => {
    const w = slidingWindows(ramp(5), { size: 5 });
    assert.equal(w.count, 1);
    assert.equal(w.targets.length, 0);
    assert.equal(slidingWindows(ramp(4), { size: 3, horizon: 2 }).count, 0);
    assert.equal(windowCount(100, { size: 10, shift: 5, horizon: 5 }), 18);
    assert.equal(windowCount(100, { size: 1 }), 100);
    assert.throws(() => windowCount(10, { size: 0 }), /size must be a positive integer/);
    assert.throws(() => windowCount(10, { size: 2, shift: 0 }), /shift/);
    assert.throws(() => windowCount(10, { size: 2, horizon: -1 }), /horizon/);
  });
});

describe('downsampling', () => {
  it('averages blocks, keeping a short last block by default', () => {
    const d = downsample(ramp(7), 3);
    assert.equal(d.length, 3);
    assert.deepEqual(Array.from(d.data), [1, 10, 4, 40, 6, 60]);
    assert.deepEqual(Array.from(d.timestamps!), [0, 3000, 6000]);
    const dropped = downsample(ramp(7), 3, { partial: 'drop' });
    assert.deepEqual(Array.from(dropped.data), [1, 10, 4, 40]);
  });

  it('picks every r-th row', () => {
    const d = downsample(ramp(7), 3, { method: 'pick' });
    assert.deepEqual(Array.from(d.data), [0, 0, 3, 30, 6, 60]);
    assert.equal(downsample(ramp(7), 3, { method: 'pick', partial: 'drop' }).length, 2);
    assert.deepEqual(downsample(ramp(4), 1).data, ramp(4).data);
    assert.throws(() => downsample(ramp(4), 0), /positive integer/);
    assert.throws(() => downsample(ramp(4), 1.5), /positive integer/);
  });
});
