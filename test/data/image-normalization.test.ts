import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageNormalizer, globalContrastNormalize } from '../../src/data/image-normalization.js';

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-5, `${what}: ${a} vs ${b}`);

test('global contrast normalisation: zero mean, mean absolute value 1, scale-free', () => {
  const x = Float32Array.from([0, 10, 20, 50]);
  globalContrastNormalize(x);
  close(
    x.reduce((a, b) => a + b, 0),
    0,
    'sum',
  );
  close(x.reduce((a, b) => a + Math.abs(b), 0) / 4, 1, 'mean |x|');
  const y = Float32Array.from([0, 1, 2, 5]);
  globalContrastNormalize(y);
  for (let i = 0; i < 4; i++) close(x[i]!, y[i]!, `pixel ${i}`);
  const flat = new Float32Array(3).fill(7);
  globalContrastNormalize(flat);
  assert.deepEqual(Array.from(flat), [0, 0, 0]);
});

test('min-max maps the training images onto [0, 1] and keeps outside values outside', () => {
  const train = Float32Array.from([0, 100, 50, 200]);
  const n = ImageNormalizer.fit('minmax', train, 2);
  const out = n.applyRows(train, 2);
  assert.deepEqual(Array.from(out), [0, 0.5, 0.25, 1]);
  const test = new Float32Array(2);
  n.apply([300, -100], test);
  assert.deepEqual(Array.from(test), [1.5, -0.5]);
});

test('gcn-minmax: each image contrast-normalised, then into [0, 1] over the training set', () => {
  const train = Float32Array.from([0, 1, 2, 3, 10, 30, 20, 0]);
  const n = ImageNormalizer.fit('gcn-minmax', train, 4);
  const out = n.applyRows(train, 4);
  assert.equal(Math.min(...out), 0);
  assert.equal(Math.max(...out), 1);
  // A brighter copy of image 0 normalises to the same values.
  const bright = new Float32Array(4);
  n.apply([5, 7, 9, 11], bright);
  for (let i = 0; i < 4; i++) close(bright[i]!, out[i]!, `pixel ${i}`);
});

test('state round trip; bad states are refused naming the problem', () => {
  const n = ImageNormalizer.fit('gcn-minmax', Float32Array.from([0, 1, 5, 2]), 2);
  const again = ImageNormalizer.fromJSON(JSON.parse(JSON.stringify(n.toJSON())), 'test');
  assert.deepEqual(again.toJSON(), n.toJSON());
  assert.throws(
    () => ImageNormalizer.fromJSON({ kind: 'zscore', min: 0, max: 1 }, 'model'),
    /model: normalization must be/,
  );
  assert.throws(
    () => ImageNormalizer.fromJSON({ kind: 'minmax', min: 1, max: 1 }, 'm'),
    /max > min/,
  );
  assert.deepEqual(ImageNormalizer.fit('minmax', new Float32Array(4).fill(3), 2).toJSON(), {
    kind: 'minmax',
    min: 3,
    max: 4,
  });
});
