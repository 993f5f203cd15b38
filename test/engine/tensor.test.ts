import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor,
  zeros,
  arange,
  cat,
  stack,
  where,
  tidy,
  liveTensorCount,
  randn,
  manualSeed,
  dispose,
} from '../../src/engine/index.js';
import { closeAll } from '../helpers/close.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) => closeAll(a, b, tol);

test('typed arrays round-trip through tensors for every dtype', () => {
  const f32 = tensor(new Float32Array([1.5, -2, 3]), [3]);
  assert.equal(f32.dtype, 'float32');
  assert.deepEqual(f32.toArray(), [1.5, -2, 3]);
  const f64 = tensor(new Float64Array([Math.PI, 1e-300]), [2]);
  assert.equal(f64.dtype, 'float64');
  assert.deepEqual(Array.from(f64.data() as Float64Array), [Math.PI, 1e-300]);
  const i32 = tensor(new Int32Array([7, -8]), [2, 1]);
  assert.equal(i32.dtype, 'int32');
  assert.deepEqual(i32.shape, [2, 1]);
  const u8 = tensor(new Uint8Array([0, 255]), [2]);
  assert.deepEqual(u8.toArray(), [0, 255]);
  const i64 = tensor(new BigInt64Array([5n, -6n]), [2]);
  assert.deepEqual(i64.toArray(), [5, -6]);
  const converted = tensor(new Float64Array([1.25, 2.5]), [2], 'float32');
  assert.equal(converted.dtype, 'float32');
});

test('creating a tensor with the wrong element count names both sizes', () => {
  assert.throws(() => tensor(new Float32Array(5), [2, 3]), /5 elements but shape \[2, 3\] needs 6/);
});

test('arithmetic broadcasts and accepts numbers', () => {
  const a = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const b = tensor(new Float32Array([10, 20, 30]), [3]);
  assert.deepEqual(a.add(b).toArray(), [11, 22, 33, 14, 25, 36]);
  assert.deepEqual(a.mul(2).sub(1).toArray(), [1, 3, 5, 7, 9, 11]);
  // 2.5 rounds half to even, as torch.round does
  assert.deepEqual(a.div(b).mul(10).round().toArray(), [1, 1, 1, 4, 2, 2]);
  assert.deepEqual(a.gt(3).toArray(), [0, 0, 0, 1, 1, 1]);
  assert.deepEqual(a.pow(2).toArray(), [1, 4, 9, 16, 25, 36]);
  assert.deepEqual(a.clamp(2, 5).toArray(), [2, 2, 3, 4, 5, 5]);
  assert.deepEqual(where(a.ge(4), a, 0).toArray(), [0, 0, 0, 4, 5, 6]);
});

test('reductions: sum, mean, max, min, argmax, std, quantile', () => {
  const a = tensor(new Float32Array([1, 5, 3, 4, 2, 6]), [2, 3]);
  assert.equal(a.sum().item(), 21);
  assert.deepEqual(a.sum(1).toArray(), [9, 12]);
  assert.deepEqual(a.mean(0, true).shape, [1, 3]);
  close(a.mean(0).data() as Float32Array, [2.5, 3.5, 4.5]);
  assert.equal(a.max().item(), 6);
  assert.deepEqual(a.max(1).toArray(), [5, 6]);
  assert.deepEqual(a.min(0).toArray(), [1, 2, 3]);
  assert.deepEqual(a.argmax(1).toArray(), [1, 2]);
  // sample std of 1..6 is sqrt(3.5)
  close([a.std().item()], [Math.sqrt(3.5)], 1e-6);
  close([a.std(undefined, false).item()], [Math.sqrt(35 / 12)], 1e-6);
  // 0.9 quantile of 1..6 with linear interpolation: 1 + 0.9 * 5 = 5.5
  close([a.quantile(0.9).item()], [5.5], 1e-6);
  const s = tensor(new Float32Array([3, 1, 2]), [3]).sort(0, true);
  assert.deepEqual(s.values.toArray(), [3, 2, 1]);
  assert.deepEqual(s.indices.toArray(), [0, 2, 1]);
});

test('shape ops: reshape, permute, slice, indexSelect, cat, stack, pad', () => {
  const a = arange(0, 6).reshape([2, 3]);
  assert.deepEqual(a.permute([1, 0]).contiguous().toArray(), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(a.slice(1, 1).contiguous().toArray(), [1, 2, 4, 5]);
  assert.deepEqual(a.slice(1, 0, 3, 2).contiguous().toArray(), [0, 2, 3, 5]);
  const idx = tensor(new Int32Array([1, 1, 0]), [3]).to('int64');
  assert.deepEqual(a.indexSelect(0, idx).toArray(), [3, 4, 5, 3, 4, 5, 0, 1, 2]);
  assert.deepEqual(cat([a, a], 0).shape, [4, 3]);
  assert.deepEqual(stack([a, a], 1).shape, [2, 2, 3]);
  assert.deepEqual(a.pad([1, 0], 'constant', -1).toArray(), [-1, 0, 1, 2, -1, 3, 4, 5]);
  assert.deepEqual(a.unsqueeze(0).shape, [1, 2, 3]);
  assert.deepEqual(a.flatten().shape, [6]);
});

test('matmul against hand-computed values, and a shape mismatch names the shapes', () => {
  const a = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const b = tensor(new Float32Array([1, 0, 0, 1, 1, 1]), [3, 2]);
  assert.deepEqual(a.matmul(b).toArray(), [4, 5, 10, 11]);
  assert.throws(
    () => a.matmul(a),
    (e: Error) => /2x3/.test(e.message) && /cannot be multiplied/.test(e.message),
  );
  assert.throws(() => a.reshape([4, 2]), /shape '\[4, 2\]' is invalid for input of size 6/);
});

test('a torch error is a JavaScript exception, and the process goes on', () => {
  const a = tensor(new Float32Array([1, 2]), [2]);
  assert.throws(
    () => a.add(tensor(new Float32Array(3), [3])),
    /size of tensor a \(2\) must match the size of tensor b \(3\)/,
  );
  assert.throws(() => a.to('complex' as never), /unknown dtype 'complex'/);
  assert.equal(a.sum().item(), 3);
});

test('tidy disposes intermediates and keeps what is returned', () => {
  const before = liveTensorCount();
  const kept = tidy(() => {
    const x = randn([100, 100]);
    const y = x.matmul(x).relu();
    return { y, n: 1 };
  });
  assert.equal(liveTensorCount(), before + 1);
  assert.equal(kept.y.shape[0], 100);
  dispose(kept);
  assert.equal(liveTensorCount(), before);
  assert.throws(() => kept.y.sum(), /disposed tensor/);
});

test('tidy disposes everything when its callback throws', () => {
  const before = liveTensorCount();
  assert.throws(() =>
    tidy(() => {
      zeros([10]);
      throw new Error('boom');
    }),
  );
  assert.equal(liveTensorCount(), before);
});

test('the seed makes random tensors repeatable', () => {
  manualSeed(42);
  const a = randn([5]).toArray();
  manualSeed(42);
  const b = randn([5]).toArray();
  manualSeed(43);
  const c = randn([5]).toArray();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});
