import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scaler, createSeries, fitScaler, seriesFromColumns } from '../../src/data/index.js';

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-6) => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
};

// channel 0: 1..4, channel 1: constant 7, channel 2: 0, 0, 0, 100 (an outlier)
const train = seriesFromColumns([
  [1, 2, 3, 4],
  [7, 7, 7, 7],
  [0, 0, 0, 100],
]);

describe('scalers', () => {
  it('z-score: mean and population standard deviation', () => {
    const s = fitScaler('zscore', train);
    assert.deepEqual(s.toJSON().center, [2.5, 7, 25]);
    close(s.toJSON().scale, [Math.sqrt(1.25), 1, Math.sqrt(1875)]);
    const out = s.transform(train);
    close(
      Array.from(out.data).filter((_, i) => i % 3 === 0),
      [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25)),
    );
    close(
      Array.from(out.data).filter((_, i) => i % 3 === 1),
      [0, 0, 0, 0],
    );
  });

  it('min-max maps the training range to [0, 1]', () => {
    const s = fitScaler('minmax', train);
    const out = s.transform(train).data;
    close([out[0]!, out[9]!, out[1]!, out[11]!], [0, 1, 0, 1]);
    const test = seriesFromColumns([[5], [8], [-100]]);
    close(s.transform(test).data, [4 / 3, 1, -1]);
  });

  it('robust: median and interquartile range, unmoved by the outlier', () => {
    const s = fitScaler('robust', train);
    // channel 0: median 2.5, q25 1.75, q75 3.25; channel 2: median 0, IQR 25 (linear quantiles)
    assert.deepEqual(s.toJSON().center, [2.5, 7, 0]);
    close(s.toJSON().scale, [1.5, 1, 25]);
  });

  it('inverts transform and survives a JSON round trip', () => {
    for (const kind of ['zscore', 'minmax', 'robust'] as const) {
      const s = fitScaler(kind, train);
      close(s.inverseTransform(s.transform(train)).data, Array.from(train.data), 1e-4);
      const restored = Scaler.fromJSON(JSON.parse(JSON.stringify(s)));
      assert.equal(restored.kind, kind);
      assert.deepEqual(restored.transform(train).data, s.transform(train).data);
    }
  });

  it('scales flat window arrays whose last axis is the channels', () => {
    const s = fitScaler('minmax', train);
    const windows = Float32Array.from([4, 7, 100, 1, 7, 0]); // [1 window, 2 steps, 3 channels]
    close(s.transformValues(windows), [1, 0, 1, 0, 0, 0]);
    close(s.inverseTransformValues(s.transformValues(windows)), Array.from(windows), 1e-5);
  });

  it('refuses misuse: unfitted, wrong channel count, NaN, bad state', () => {
    assert.throws(() => new Scaler('zscore').transform(train), /before fit/);
    const s = fitScaler('zscore', train);
    assert.throws(() => s.transform(seriesFromColumns([[1]])), /fitted on 3 channels, got 1/);
    const nan = createSeries({ data: Float32Array.of(1, NaN), channels: 1 });
    assert.throws(() => fitScaler('zscore', nan), /channel 0 is NaN at row 1/);
    assert.throws(() => Scaler.fromJSON({ kind: 'zscore', center: [0], scale: [0] }), /positive/);
    assert.throws(() => Scaler.fromJSON({ kind: 'pca', center: [0], scale: [1] }), /kind/);
    assert.throws(
      () => Scaler.fromJSON({ kind: 'minmax', center: [0, 1], scale: [1] }),
      /equal-length/,
    );
    assert.throws(() => new Scaler('nope' as 'zscore'), /unknown scaler kind/);
  });

  it('keeps timestamps and names', () => {
    const named = createSeries({
      data: Float32Array.of(1, 2),
      channels: 1,
      timestamps: Float64Array.of(5, 6),
      names: ['v'],
    });
    const out = fitScaler('zscore', named).transform(named);
    assert.deepEqual(out.names, ['v']);
    assert.deepEqual(Array.from(out.timestamps!), [5, 6]);
  });
});
