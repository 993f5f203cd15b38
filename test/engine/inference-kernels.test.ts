// The inference kernels (native/inference.cc: linear through oneDNN's sgemm,
// the fused LSTM; used without gradients in eval mode) against torch's own
// kernels on the same weights and inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Conv1d,
  Dropout,
  F,
  LeakyReLU,
  Linear,
  LSTM,
  GRU,
  MaxPool1d,
  ReLU,
  Sequential,
  Upsample,
  manualSeed,
  noGrad,
  randn,
  getNumThreads,
  setFusedInference,
  setNumThreads,
  tidy,
  type Tensor,
} from '../../src/engine/index.js';
import type { RecurrentOptions } from '../../src/engine/functional.js';
import { native } from '../../src/engine/native.js';

function maxDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toFloat32Array();
  const y = b.toFloat32Array();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

/** Runs fn without gradients once with the fused kernel and once with torch's. */
function both<T>(fn: () => T): { fused: T; torch: T } {
  const fused = noGrad(fn);
  setFusedInference(false);
  try {
    return { fused, torch: noGrad(fn) };
  } finally {
    setFusedInference(true);
  }
}

const eval1: RecurrentOptions = {
  layers: 2,
  hasBiases: true,
  dropout: 0,
  training: false,
  bidirectional: false,
  batchFirst: true,
};

/** Random LSTM weights for `layers` layers (w_ih, w_hh and, with biases, b_ih, b_hh). */
function weights(input: number, hidden: number, layers: number, biases: boolean): Tensor[] {
  const out: Tensor[] = [];
  for (let l = 0; l < layers; l++) {
    out.push(randn([4 * hidden, l === 0 ? input : hidden]).mul(0.4));
    out.push(randn([4 * hidden, hidden]).mul(0.4));
    if (biases) out.push(randn([4 * hidden]).mul(0.4), randn([4 * hidden]).mul(0.4));
  }
  return out;
}

test('fused lstm equals torch: two layers, initial states, batch-first and time-first', () => {
  tidy(() => {
    manualSeed(3);
    // 70 rows split across threads; hidden 17 leaves a remainder after the vector lanes.
    const [b, t, input, hidden] = [70, 13, 3, 17];
    const params = weights(input, hidden, 2, true);
    const h0 = randn([2, b, hidden]);
    const c0 = randn([2, b, hidden]);
    for (const batchFirst of [true, false]) {
      const x = randn(batchFirst ? [b, t, input] : [t, b, input]);
      const r = both(() => F.lstm(x, h0, c0, params, { ...eval1, batchFirst }));
      assert.deepEqual(r.fused.output.shape, batchFirst ? [b, t, hidden] : [t, b, hidden]);
      assert.deepEqual(r.fused.h.shape, [2, b, hidden]);
      assert.ok(maxDiff(r.fused.output, r.torch.output) < 1e-5, `batchFirst ${batchFirst}: output`);
      assert.ok(maxDiff(r.fused.h, r.torch.h) < 1e-5, `batchFirst ${batchFirst}: h`);
      assert.ok(maxDiff(r.fused.c, r.torch.c) < 1e-5, `batchFirst ${batchFirst}: c`);
    }
  });
});

test('fused lstm equals torch without biases and with saturating inputs', () => {
  tidy(() => {
    manualSeed(4);
    const [b, t, input, hidden] = [5, 40, 2, 8];
    const params = weights(input, hidden, 1, false);
    // Inputs of +-150: gates far into saturation, where exp must not overflow.
    const x = randn([b, t, input]).mul(150);
    const h0 = randn([1, b, hidden]);
    const c0 = randn([1, b, hidden]);
    const o = { ...eval1, layers: 1, hasBiases: false };
    const r = both(() => F.lstm(x, h0, c0, params, o));
    const out = r.fused.output.toFloat32Array();
    assert.ok(
      out.every((v) => Number.isFinite(v)),
      'finite outputs',
    );
    assert.ok(maxDiff(r.fused.output, r.torch.output) < 1e-5);
    assert.ok(maxDiff(r.fused.c, r.torch.c) < 1e-5);
  });
});

test('LSTM module: eval mode without gradients matches its training-mode output', () => {
  tidy(() => {
    manualSeed(5);
    const lstm = new LSTM({ inputSize: 1, hiddenSize: 64 });
    const x = randn([33, 50, 1]);
    // Training mode (torch's kernel; no dropout configured, so the same function).
    const reference = noGrad(() => lstm.run(x));
    lstm.eval();
    const fused = noGrad(() => lstm.run(x));
    assert.ok(maxDiff(fused.output, reference.output) < 1e-5);
    assert.ok(maxDiff(fused.c, reference.c) < 1e-5);
    // One step at a time, carrying the state (the streaming forecaster's use).
    let state = noGrad(() => lstm.run(x.slice(1, 0, 1)));
    for (let s = 1; s < 50; s++) state = noGrad(() => lstm.run(x.slice(1, s, s + 1), state));
    assert.ok(maxDiff(state.h.squeeze(0), reference.output.slice(1, 49).squeeze(1)) < 1e-5);
  });
});

/** Random GRU weights (3 gates) for `layers` layers. */
function gruWeights(input: number, hidden: number, layers: number, biases: boolean): Tensor[] {
  const out: Tensor[] = [];
  for (let l = 0; l < layers; l++) {
    out.push(randn([3 * hidden, l === 0 ? input : hidden]).mul(0.4));
    out.push(randn([3 * hidden, hidden]).mul(0.4));
    if (biases) out.push(randn([3 * hidden]).mul(0.4), randn([3 * hidden]).mul(0.4));
  }
  return out;
}

test('fused gru equals torch: two layers, with and without biases, both layouts, saturation', () => {
  tidy(() => {
    manualSeed(13);
    const [b, t, input, hidden] = [70, 13, 3, 17];
    for (const biases of [true, false]) {
      const params = gruWeights(input, hidden, 2, biases);
      const h0 = randn([2, b, hidden]);
      for (const batchFirst of [true, false]) {
        const x = randn(batchFirst ? [b, t, input] : [t, b, input]);
        const o = { ...eval1, hasBiases: biases, batchFirst };
        const r = both(() => F.gru(x, h0, params, o));
        assert.deepEqual(r.fused.output.shape, batchFirst ? [b, t, hidden] : [t, b, hidden]);
        assert.ok(
          maxDiff(r.fused.output, r.torch.output) < 1e-5,
          `biases ${biases}, batchFirst ${batchFirst}`,
        );
        assert.ok(
          maxDiff(r.fused.h, r.torch.h) < 1e-5,
          `biases ${biases}, batchFirst ${batchFirst}: h`,
        );
      }
    }
    const params = gruWeights(2, 8, 1, true);
    const x = randn([5, 40, 2]).mul(150);
    const h0 = randn([1, 5, 8]);
    const r = both(() => F.gru(x, h0, params, { ...eval1, layers: 1 }));
    assert.ok(r.fused.output.toFloat32Array().every((v) => Number.isFinite(v)));
    const d = maxDiff(r.fused.output, r.torch.output);
    assert.ok(d < 1e-5, `saturated: ${d}`);
  });
});

test('fused streaming steps (lstmStep, gruStep) equal torch: per-row and broadcast input, openRow', () => {
  tidy(() => {
    manualSeed(14);
    const [b, input, hidden] = [130, 3, 17];
    const lstm = weights(input, hidden, 1, true);
    const gru = gruWeights(input, hidden, 1, true);
    for (const rowsOfX of [b, 1])
      for (const openRow of [-1, 4]) {
        const x = randn([rowsOfX, input]);
        const h0 = randn([b, hidden]);
        const c0 = randn([b, hidden]);
        const run = (fused: boolean) => {
          setFusedInference(fused);
          try {
            const h = h0.clone();
            const c = c0.clone();
            const hg = h0.clone();
            // Three steps: the state carries from one to the next.
            for (let s = 0; s < 3; s++) {
              noGrad(() => F.lstmStep(x, h, c, lstm, s === 0 ? openRow : -1));
              noGrad(() => F.gruStep(x, hg, gru, s === 0 ? openRow : -1));
            }
            return { h, c, hg };
          } finally {
            setFusedInference(true);
          }
        };
        const fused = run(true);
        const torch = run(false);
        const what = `x rows ${rowsOfX}, openRow ${openRow}`;
        assert.ok(maxDiff(fused.h, torch.h) < 1e-5, `lstm h, ${what}`);
        assert.ok(maxDiff(fused.c, torch.c) < 1e-5, `lstm c, ${what}`);
        assert.ok(maxDiff(fused.hg, torch.hg) < 1e-5, `gru h, ${what}`);
      }
  });
});

test('GRU module: eval mode without gradients matches its training-mode output', () => {
  tidy(() => {
    manualSeed(15);
    const gru = new GRU({ inputSize: 1, hiddenSize: 64 });
    const x = randn([33, 50, 1]);
    const reference = noGrad(() => gru.run(x));
    gru.eval();
    const fused = noGrad(() => gru.run(x));
    assert.ok(maxDiff(fused.output, reference.output) < 1e-5);
    assert.ok(maxDiff(fused.h, reference.h) < 1e-5);
  });
});

test('fused lstm: initial states of the wrong shape are refused with both shapes', () => {
  tidy(() => {
    const params = weights(1, 4, 1, true);
    const x = randn([3, 5, 1]);
    const h0 = randn([1, 2, 4]);
    assert.throws(
      () => noGrad(() => F.lstm(x, h0, h0, params, { ...eval1, layers: 1 })),
      /initial states must be \[1, 3, 4\], got \[1, 2, 4\]/,
    );
  });
});

test('linear without gradients equals torch: 3-D input, with and without bias', () => {
  tidy(() => {
    manualSeed(6);
    const x = randn([7, 9, 33]);
    const w = randn([20, 33]);
    const b = randn([20]);
    for (const bias of [b, undefined]) {
      const r = both(() => F.linear(x, w, bias));
      assert.deepEqual(r.fused.shape, [7, 9, 20]);
      assert.ok(maxDiff(r.fused, r.torch) < 1e-5);
    }
    // A non-contiguous input (a transposed view) through a module in eval mode.
    const layer = new Linear(7, 5).eval();
    const xt = randn([7, 33]).transpose(0, 1);
    const r = both(() => layer.forward(xt));
    assert.deepEqual(r.fused.shape, [33, 5]);
    assert.ok(maxDiff(r.fused, r.torch) < 1e-5);
  });
});

test("linear with gradients keeps torch's kernel: the result has a gradient function", () => {
  tidy(() => {
    const layer = new Linear(4, 3);
    const y = layer.forward(randn([5, 4]));
    y.sum().backward();
    assert.ok(layer.weight.grad !== undefined);
  });
});

test('conv1d without gradients equals torch: paddings, activations, odd batch', () => {
  tidy(() => {
    manualSeed(7);
    const x = randn([37, 3, 20]);
    const w = randn([6, 3, 5]);
    const b = randn([6]);
    // Padding 0, 'same' and wider than the kernel (whole output columns of padding).
    for (const padding of [0, 2, 7])
      for (const slope of [undefined, 0, 0.01]) {
        const r = both(() => F.conv1d(x, w, b, { padding }, slope));
        assert.deepEqual(r.fused.shape, [37, 6, 20 + 2 * padding - 4]);
        assert.ok(maxDiff(r.fused, r.torch) < 1e-5, `padding ${padding}, slope ${slope}`);
      }
    const r = both(() => F.conv1d(x.transpose(1, 2).transpose(1, 2), w, undefined, { padding: 1 }));
    assert.ok(maxDiff(r.fused, r.torch) < 1e-5, 'no bias');
  });
});

test('conv1d of 16+ input channels (k shifted products) equals torch: taps, paddings, blocks', () => {
  tidy(() => {
    manualSeed(10);
    // 300 windows of 24 input channels: several blocks of windows; kernels of 1, 4 and 5 taps,
    // no padding, 'same' and wider than the kernel; with and without bias and activation.
    const x = randn([300, 24, 19]).mul(0.5);
    for (const [k, padding] of [
      [1, 0],
      [4, 0],
      [5, 2],
      [4, 6],
    ] as const) {
      const w = randn([10, 24, k]).mul(0.3);
      const b = randn([10]);
      for (const slope of [undefined, 0, 0.1]) {
        const r = both(() => F.conv1d(x, w, b, { padding }, slope));
        assert.deepEqual(r.fused.shape, [300, 10, 19 + 2 * padding - k + 1]);
        assert.ok(maxDiff(r.fused, r.torch) < 1e-5, `k ${k}, padding ${padding}, slope ${slope}`);
      }
      const r = both(() => F.conv1d(x.slice(0, 0, 7), w, undefined, { padding }));
      assert.ok(maxDiff(r.fused, r.torch) < 1e-5, `k ${k}, padding ${padding}, no bias`);
    }
  });
});

test('Sequential in eval mode fuses layer + activation and equals the unfused forward', () => {
  tidy(() => {
    manualSeed(8);
    const conv = new Sequential(
      new Conv1d(2, 8, 5, { padding: 2 }),
      new ReLU(),
      new MaxPool1d(2),
      new Conv1d(8, 4, 3, { padding: 1 }),
      new LeakyReLU(0.2),
      new Upsample(2),
      new Conv1d(4, 2, 5, { padding: 2 }),
    ).eval();
    const dense = new Sequential(new Linear(10, 16), new LeakyReLU(0.01), new Linear(16, 3)).eval();
    const xc = randn([300, 2, 16]);
    const xd = randn([300, 10]);
    const rc = both(() => conv.forward(xc));
    const rd = both(() => dense.forward(xd));
    assert.ok(maxDiff(rc.fused, rc.torch) < 1e-5);
    assert.ok(maxDiff(rd.fused, rd.torch) < 1e-5);
    // Training mode (dropout/batch-norm semantics) is never fused: same as unfused too.
    conv.train();
    const train = noGrad(() => conv.forward(xc));
    assert.ok(maxDiff(train, rc.torch) < 1e-5);
  });
});

test('a run of dense layers scores in one pass (linearStack) and equals the layer-by-layer forward', () => {
  tidy(() => {
    manualSeed(9);
    // 600 rows: more than one block of rows; a layer without bias, one without activation,
    // eval-mode dropouts inside the run, ReLU and leaky ReLU, and a 3-d input.
    const dense = new Sequential(
      new Linear(12, 40),
      new Dropout(0.3),
      new LeakyReLU(0.01),
      new Linear(40, 7, false),
      new ReLU(),
      new Dropout(0.1),
      new Linear(7, 33),
      new Linear(33, 12),
      new LeakyReLU(0.2),
    ).eval();
    for (const shape of [
      [600, 12],
      [5, 120, 12],
      [1, 12],
    ]) {
      const x = randn(shape);
      const r = both(() => dense.forward(x));
      assert.deepEqual(r.fused.shape, [...shape.slice(0, -1), 12]);
      assert.ok(maxDiff(r.fused, r.torch) < 1e-5, `shape ${shape.join('x')}`);
    }
    // The same through F.linearStack directly, and its width check.
    const w1 = randn([5, 4]);
    const w2 = randn([3, 5]);
    const b2 = randn([3]);
    const x = randn([70, 4]);
    const r = both(() =>
      F.linearStack(x, [
        { weight: w1, activationSlope: 0 },
        { weight: w2, bias: b2 },
      ]),
    );
    const byLayer = noGrad(() => F.linear(F.linear(x, w1, undefined, 0), w2, b2));
    assert.ok(maxDiff(r.fused, byLayer) < 1e-5);
    assert.ok(maxDiff(r.torch, byLayer) < 1e-5);
    // With an addon built before linearStack, the layers run one call each.
    const binding = native();
    const op = binding.linearStack;
    delete binding.linearStack;
    assert.equal(binding.linearStack, undefined);
    try {
      const old = noGrad(() =>
        F.linearStack(x, [
          { weight: w1, activationSlope: 0 },
          { weight: w2, bias: b2 },
        ]),
      );
      assert.ok(maxDiff(old, byLayer) < 1e-6);
    } finally {
      binding.linearStack = op;
    }
    assert.throws(
      () => noGrad(() => F.linearStack(x, [{ weight: w2 }])),
      /linearStack: layer 0 weight of shape \[3, 5\] does not take an input of width 4/,
    );
  });
});

test('fused kernels give the same bits on 1 and 2 threads (blocks split over threads) and equal torch', () => {
  tidy(() => {
    manualSeed(16);
    // Sizes big enough for each kernel to split its blocks over 2 threads.
    const lstmParams = weights(3, 32, 2, true);
    const gruParams = gruWeights(3, 32, 2, true);
    const xr = randn([600, 20, 3]);
    const h0 = randn([2, 600, 32]);
    const c0 = randn([2, 600, 32]);
    const dense = new Sequential(
      new Linear(48, 64),
      new ReLU(),
      new Linear(64, 32),
      new LeakyReLU(0.01),
      new Linear(32, 48),
    ).eval();
    const xd = randn([1000, 48]);
    const wl = randn([64, 64]).mul(0.2);
    const bl = randn([64]);
    const xl = randn([2000, 64]);
    const wShift = randn([10, 24, 5]).mul(0.3);
    const xShift = randn([300, 24, 19]);
    const wCols = randn([16, 4, 5]).mul(0.3);
    const xCols = randn([1000, 4, 32]);
    const stepParams = weights(3, 64, 1, true);
    const gruStepParams = gruWeights(3, 64, 1, true);
    const xs = randn([300, 3]);
    const hs = randn([300, 64]);
    const run = (): Tensor[] => {
      const h = hs.clone();
      const c = hs.clone();
      const hg = hs.clone();
      noGrad(() => F.lstmStep(xs, h, c, stepParams));
      noGrad(() => F.gruStep(xs, hg, gruStepParams));
      const l = noGrad(() => F.lstm(xr, h0, c0, lstmParams, eval1));
      const g = noGrad(() => F.gru(xr, h0, gruParams, eval1));
      return [
        l.output,
        l.h,
        l.c,
        g.output,
        g.h,
        noGrad(() => dense.forward(xd)),
        noGrad(() => F.linear(xl, wl, bl, 0)),
        noGrad(() => F.conv1d(xShift, wShift, undefined, { padding: 2 }, 0)),
        noGrad(() => F.conv1d(xCols, wCols, undefined, { padding: 2 }, 0.1)),
        h,
        c,
        hg,
      ];
    };
    const threads = getNumThreads();
    let one: Tensor[];
    let two: Tensor[];
    try {
      setNumThreads(1);
      one = run();
      setNumThreads(2);
      two = run();
    } finally {
      setNumThreads(threads);
    }
    setFusedInference(false);
    let torch: Tensor[];
    try {
      torch = run();
    } finally {
      setFusedInference(true);
    }
    const names = [
      'lstm',
      'lstm h',
      'lstm c',
      'gru',
      'gru h',
      'dense stack',
      'linear',
      'shifted conv1d',
      'im2col conv1d',
      'lstmStep h',
      'lstmStep c',
      'gruStep h',
    ];
    one.forEach((t, i) => {
      assert.equal(maxDiff(t, two[i]!), 0, `${names[i]}: 1 and 2 threads`);
      assert.ok(maxDiff(t, torch[i]!) < 1e-5, `${names[i]}: torch`);
    });
  });
});
