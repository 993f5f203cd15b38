// Gradients from torch's autograd against central finite differences, in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor, F, noGrad, manualSeed, randn, tidy } from '../../src/engine/index.js';

/**
 * Checks d loss / d input for every input: autograd's gradient against
 * (f(x + h) - f(x - h)) / 2h, element by element.
 */
function gradcheck(inputs: Tensor[], f: (xs: Tensor[]) => Tensor, h = 1e-6, tol = 1e-6): void {
  for (const x of inputs) x.requireGrad(true);
  const loss = f(inputs);
  loss.backward();
  inputs.forEach((x, which) => {
    const analytic = x.grad!.toFloat64Array();
    const values = x.toFloat64Array();
    const shape = x.shape;
    for (let i = 0; i < values.length; i++) {
      const eval_ = (delta: number) =>
        tidy(() =>
          noGrad(() => {
            const v = values.slice();
            v[i] = v[i]! + delta;
            const moved = inputs.map((y, j) => (j === which ? tensor(v, shape) : y));
            return f(moved).item();
          }),
        );
      const numeric = (eval_(h) - eval_(-h)) / (2 * h);
      const err = Math.abs(numeric - analytic[i]!);
      assert.ok(
        err <= tol * Math.max(1, Math.abs(numeric)),
        `input ${which} element ${i}: autograd ${analytic[i]} vs numeric ${numeric}`,
      );
    }
  });
}

const r = (shape: number[]) => randn(shape, 'float64');

test('linear: gradients of weight, bias and input', () => {
  manualSeed(1);
  const w = r([3, 4]);
  gradcheck([r([2, 4]), w, r([3])], ([x, w, b]) => F.linear(x!, w!, b!).tanh().sum());
});

test('conv1d: gradients of input, weight and bias with stride and padding', () => {
  manualSeed(2);
  gradcheck([r([2, 2, 7]), r([3, 2, 3]), r([3])], ([x, w, b]) =>
    F.conv1d(x!, w!, b!, { stride: 2, padding: 1 }).square().mean(),
  );
});

test('conv2d: gradients of input, weight and bias', () => {
  manualSeed(3);
  gradcheck([r([1, 2, 5, 5]), r([2, 2, 3, 3]), r([2])], ([x, w, b]) =>
    F.conv2d(x!, w!, b!, { padding: 1 }).sigmoid().sum(),
  );
});

test('conv_transpose2d and max-pool: gradients flow through both', () => {
  manualSeed(4);
  gradcheck([r([1, 2, 3, 3]), r([2, 1, 2, 2])], ([x, w]) =>
    F.maxPool2d(F.convTranspose2d(x!, w!, undefined, { stride: 2 }), 2)
      .square()
      .sum(),
  );
});

/** Options of F.lstm / F.gru: batch first, one direction, no dropout, training. */
const recurrent = (layers: number) => ({
  layers,
  hasBiases: true,
  dropout: 0,
  training: true,
  bidirectional: false,
  batchFirst: true,
});

test('lstm: gradients of input, initial state and every weight, two layers', () => {
  manualSeed(5);
  const hidden = 3;
  const params = [
    r([4 * hidden, 2]),
    r([4 * hidden, hidden]),
    r([4 * hidden]),
    r([4 * hidden]),
    r([4 * hidden, hidden]),
    r([4 * hidden, hidden]),
    r([4 * hidden]),
    r([4 * hidden]),
  ];
  const opts = recurrent(2);
  gradcheck(
    [r([2, 4, 2]), r([2, 2, hidden]), r([2, 2, hidden]), ...params],
    ([x, h0, c0, ...p]) => {
      const out = F.lstm(x!, h0!, c0!, p, opts);
      return out.output.square().sum().add(out.c.sum());
    },
  );
});

test('gru: gradients of input and weights', () => {
  manualSeed(6);
  const hidden = 2;
  const opts = recurrent(1);
  gradcheck(
    [r([1, 3, 2]), r([3 * hidden, 2]), r([3 * hidden, hidden]), r([3 * hidden]), r([3 * hidden])],
    ([x, ...p]) => F.gru(x!, r([1, 1, hidden]).mul(0), p, opts).output.sum(),
  );
});
