// Forward values of the fused ops against numbers computed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor,
  zeros,
  F,
  Linear,
  LSTM,
  GRU,
  randn,
  manualSeed,
  Conv2d,
  noGrad,
  BatchNorm,
} from '../../src/engine/index.js';
import { closeAll } from '../helpers/close.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => closeAll(a, b, tol);
const sig = (x: number) => 1 / (1 + Math.exp(-x));

test('linear: x W^T + b', () => {
  const x = tensor(new Float32Array([1, 2]), [1, 2]);
  const w = tensor(new Float32Array([1, 1, 2, -1, 0, 3]), [3, 2]);
  const b = tensor(new Float32Array([0.5, 0, -1]), [3]);
  close(F.linear(x, w, b).data() as Float32Array, [3.5, 0, 5]);
  const layer = new Linear(2, 3);
  layer.loadStateDict({ weight: w, bias: b });
  close(layer.forward(x).data() as Float32Array, [3.5, 0, 5]);
  assert.deepEqual(layer.forward(zeros([4, 2])).shape, [4, 3]);
});

test('linear: a wrong input width names the shapes', () => {
  const layer = new Linear(4, 2);
  assert.throws(
    () => layer.forward(zeros([3, 5])),
    /input of shape \[3, 5\] does not match weight of shape \[2, 4\]/,
  );
});

test('conv1d: valid cross-correlation with bias, stride and padding', () => {
  const x = tensor(new Float32Array([1, 2, 3, 4, 5]), [1, 1, 5]);
  const w = tensor(new Float32Array([1, 0, -1]), [1, 1, 3]);
  const b = tensor(new Float32Array([10]), [1]);
  close(F.conv1d(x, w, b).data() as Float32Array, [8, 8, 8]);
  // padding 1: [0,1,2,3,4,5,0] -> 0-2, 1-3, 2-4, 3-5, 4-0
  close(F.conv1d(x, w, undefined, { padding: 1 }).data() as Float32Array, [-2, -2, -2, -2, 4]);
  close(F.conv1d(x, w, undefined, { stride: 2 }).data() as Float32Array, [-2, -2]);
});

test('conv2d: a 2x2 kernel over a 3x3 image', () => {
  const x = tensor(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
  const conv = new Conv2d(1, 1, 2);
  conv.loadStateDict({
    weight: tensor(new Float32Array([1, 0, 0, 1]), [1, 1, 2, 2]),
    bias: tensor(new Float32Array([1]), [1]),
  });
  // each output = top-left + bottom-right + 1
  close(conv.forward(x).data() as Float32Array, [7, 9, 13, 15]);
  const pooled = F.maxPool2d(x, 2, 1);
  close(pooled.data() as Float32Array, [5, 6, 8, 9]);
  const up = F.upsampleNearest(tensor(new Float32Array([1, 2]), [1, 1, 1, 2]), 2);
  close(up.data() as Float32Array, [1, 1, 2, 2, 1, 1, 2, 2]);
});

test('conv_transpose2d: stride 2 scatters the kernel', () => {
  const x = tensor(new Float32Array([1, 2]), [1, 1, 1, 2]);
  const w = tensor(new Float32Array([1, 10, 100, 1000]), [1, 1, 2, 2]);
  const y = F.convTranspose2d(x, w, undefined, { stride: 2 });
  assert.deepEqual(y.shape, [1, 1, 2, 4]);
  close(y.data() as Float32Array, [1, 10, 2, 20, 100, 1000, 200, 2000]);
});

test('lstm: one step of one unit against the gate equations', () => {
  const lstm = new LSTM({ inputSize: 1, hiddenSize: 1 });
  const a = [0.5, -0.3, 0.8, 1.2]; // input weights of gates i, f, g, o
  const u = [0.1, 0.2, -0.4, 0.3]; // recurrent weights
  const bih = [0.05, 0.1, -0.05, 0];
  const bhh = [0, 0.2, 0.1, -0.1];
  lstm.loadStateDict({
    weight_ih_l0: tensor(new Float32Array(a), [4, 1]),
    weight_hh_l0: tensor(new Float32Array(u), [4, 1]),
    bias_ih_l0: tensor(new Float32Array(bih), [4]),
    bias_hh_l0: tensor(new Float32Array(bhh), [4]),
  });
  const xs = [1.5, -0.7];
  let h = 0;
  let c = 0;
  const expected: number[] = [];
  for (const x of xs) {
    const pre = [0, 1, 2, 3].map((k) => a[k]! * x + u[k]! * h + bih[k]! + bhh[k]!);
    const i = sig(pre[0]!);
    const f = sig(pre[1]!);
    const g = Math.tanh(pre[2]!);
    const o = sig(pre[3]!);
    c = f * c + i * g;
    h = o * Math.tanh(c);
    expected.push(h);
  }
  const out = noGrad(() => lstm.run(tensor(new Float32Array(xs), [1, 2, 1])));
  close(out.output.data() as Float32Array, expected);
  close(out.h.data() as Float32Array, [h]);
  close(out.c.data() as Float32Array, [c]);
});

test('gru and lstm shapes: multi-layer, batch-first sequences and states', () => {
  const x = zeros([4, 7, 3]);
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 5, layers: 2 });
  const r = lstm.run(x);
  assert.deepEqual(r.output.shape, [4, 7, 5]);
  assert.deepEqual(r.h.shape, [2, 4, 5]);
  const g = F.gru(x, zeros([1, 4, 6]), [zeros([18, 3]), zeros([18, 6]), zeros([18]), zeros([18])], {
    layers: 1,
    hasBiases: true,
    dropout: 0,
    training: false,
    bidirectional: false,
    batchFirst: true,
  });
  assert.deepEqual(g.output.shape, [4, 7, 6]);
});

test('lstm and gru step: in place, step by step, a batch of sequences gives the fused layer outputs', () => {
  manualSeed(3);
  const x = randn([4, 6, 3]);
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 5 });
  const gru = new GRU({ inputSize: 3, hiddenSize: 5 });
  const state = { h: zeros([4, 5]), c: zeros([4, 5]) };
  const g = zeros([4, 5]);
  noGrad(() => {
    for (let t = 0; t < 6; t++) {
      const xt = x
        .slice(1, t, t + 1)
        .squeeze(1)
        .contiguous();
      lstm.step(xt, state);
      gru.step(xt, g);
    }
    const fused = lstm.run(x);
    close(state.h.toFloat32Array(), fused.h.toFloat32Array());
    close(state.c.toFloat32Array(), fused.c.toFloat32Array());
    close(g.toFloat32Array(), gru.run(x).h.toFloat32Array());
  });
});

test('lstm and gru step: one input row broadcast over the batch, and a row opened at zero', () => {
  manualSeed(4);
  const x1 = randn([1, 3]);
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 5 });
  const gru = new GRU({ inputSize: 3, hiddenSize: 5 });
  const h0 = randn([3, 5]);
  const c0 = randn([3, 5]);
  const state = { h: h0.clone(), c: c0.clone() };
  const g = h0.clone();
  noGrad(() => {
    lstm.step(x1, state, 1);
    gru.step(x1, g, 1);
    const seq = x1.reshape([1, 1, 3]);
    for (let row = 0; row < 3; row++) {
      const h = row === 1 ? zeros([1, 1, 5]) : h0.slice(0, row, row + 1).unsqueeze(0);
      const c = row === 1 ? zeros([1, 1, 5]) : c0.slice(0, row, row + 1).unsqueeze(0);
      const expected = lstm.run(seq, { h, c });
      close(state.h.slice(0, row, row + 1).toFloat32Array(), expected.h.toFloat32Array());
      close(state.c.slice(0, row, row + 1).toFloat32Array(), expected.c.toFloat32Array());
      close(g.slice(0, row, row + 1).toFloat32Array(), gru.run(seq, h).h.toFloat32Array());
    }
  });
  assert.throws(
    () => lstm.step(zeros([2, 3]), state),
    /lstmStep: input \[2, 3\], state \[3, 5\], weights \[20, 3\] and \[20, 5\] do not fit/,
  );
  assert.throws(
    () => new LSTM({ inputSize: 3, hiddenSize: 5, layers: 2 }).step(x1, state),
    /LSTM.step: one step is defined for a single unidirectional layer with biases \(this one has 2 layer/,
  );
});

test('batch norm: batch statistics in training, running statistics in eval', () => {
  const bn = new BatchNorm(1);
  const x = tensor(new Float32Array([1, 3]), [2, 1]);
  // mean 2, biased var 1 -> (x - 2) / sqrt(1 + eps)
  close(bn.forward(x).data() as Float32Array, [-1, 1], 1e-4);
  // running mean 0.1 * 2 = 0.2, running var 0.9 + 0.1 * 2 (unbiased) = 1.1
  close(bn.runningMean.data() as Float32Array, [0.2]);
  close(bn.runningVar.data() as Float32Array, [1.1]);
  bn.eval();
  close(
    bn.forward(x).data() as Float32Array,
    [(1 - 0.2) / Math.sqrt(1.1 + 1e-5), (3 - 0.2) / Math.sqrt(1.1 + 1e-5)],
    1e-5,
  );
});

test('losses: mse, bce, cross-entropy', () => {
  const p = tensor(new Float32Array([1, 2, 3]), [3]);
  const y = tensor(new Float32Array([1, 0, 5]), [3]);
  close([F.mse(p, y).item()], [(0 + 4 + 4) / 3]);
  assert.throws(
    () => F.mse(p, zeros([4])),
    /prediction of shape \[3\] and target of shape \[4\] differ/,
  );
  const prob = tensor(new Float32Array([0.9, 0.2]), [2]);
  const lab = tensor(new Float32Array([1, 0]), [2]);
  close([F.bce(prob, lab).item()], [-(Math.log(0.9) + Math.log(0.8)) / 2]);
  const logits = tensor(new Float32Array([2, 0, 0, 1]), [2, 2]);
  const target = tensor(new Int32Array([0, 1]), [2]);
  const ce =
    (-Math.log(Math.exp(2) / (Math.exp(2) + 1)) - Math.log(Math.exp(1) / (1 + Math.exp(1)))) / 2;
  close([F.crossEntropy(logits, target).item()], [ce]);
});
