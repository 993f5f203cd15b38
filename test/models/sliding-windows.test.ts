// The step-by-step form of the recurrent forecasters: after each input it gives what the
// network's forward pass gives on the window ending there, for LSTM, GRU and stacked
// networks (batch norm in eval mode), and resets to the state before any step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  manualSeed,
  noGrad,
  randn,
  tensor,
  liveTensorCount,
  type Module,
} from '../../src/engine/index.js';
import {
  buildForecastNetwork,
  type ForecastNetworkKind,
} from '../../src/models/forecast-networks.js';
import { hasSlidingForecast, type SlidingForecast } from '../../src/models/sliding-windows.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5, `${what}, index ${i}: ${a[i]} vs ${b[i]}`);
};

/**
 * Pushes the steps of x ([steps, channels] row-major) one by one: from the window-th on, each
 * output must equal the network's forward pass on the window ending there.
 */
function checkSteps(
  net: Module,
  sliding: SlidingForecast,
  x: Float32Array,
  dims: { window: number; channels: number },
  what: string,
): void {
  const { window, channels } = dims;
  for (let t = 0; t < x.length / channels; t++) {
    const out = sliding.push(x.subarray(t * channels, (t + 1) * channels));
    if (t < window - 1) continue;
    const w = x.slice((t - window + 1) * channels, (t + 1) * channels);
    const expected = noGrad(() => net.forward(tensor(w, [1, window, channels])).toFloat32Array());
    close(out, expected, `${what} window ending at step ${t}`);
  }
}

for (const kind of ['lstm', 'gru', 'stacked'] as ForecastNetworkKind[]) {
  test(`${kind} forecaster: the sliding form forecasts each newest window as forward() does`, () => {
    manualSeed(2);
    const window = 7;
    const channels = 2;
    const net = buildForecastNetwork({
      kind,
      window,
      horizon: 1,
      channels,
      hidden: [8, 6],
      batchNorm: kind === 'stacked',
    });
    if (kind === 'stacked') {
      // Batch statistics from a training pass, so that eval-mode batch norm is not the identity.
      noGrad(() => net.forward(randn([16, window, channels]).mul(3).add(1)));
    }
    net.eval();
    assert.ok(hasSlidingForecast(net));
    const sliding = net.slidingForecast(window);
    const steps = 20;
    const x = randn([steps, channels]).toFloat32Array();
    const check = () => checkSteps(net, sliding, x, { window, channels }, kind);
    check();
    sliding.reset();
    check();
    const before = liveTensorCount();
    for (let t = 0; t < 5; t++) sliding.push(x.subarray(0, channels));
    assert.equal(liveTensorCount(), before, 'each step frees the state it replaces');
    sliding.dispose();
  });
}

test('the dense forecaster has no sliding form', () => {
  const net = buildForecastNetwork({
    kind: 'dense',
    window: 5,
    horizon: 1,
    channels: 1,
    hidden: [4],
  });
  assert.equal(hasSlidingForecast(net), false);
});

for (const kind of ['lstm', 'gru'] as ForecastNetworkKind[]) {
  test(`${kind} forecaster with a residual: the sliding form adds the newest step's value as forward() does`, () => {
    manualSeed(3);
    const window = 5;
    const channels = 3;
    const net = buildForecastNetwork({
      kind,
      window,
      horizon: 2,
      channels,
      outputs: 1,
      hidden: [6],
      residual: [2],
    });
    net.eval();
    assert.ok(hasSlidingForecast(net));
    const sliding = net.slidingForecast(window);
    const x = randn([12, channels]).toFloat32Array();
    checkSteps(net, sliding, x, { window, channels }, `${kind} residual`);
    sliding.dispose();
  });
}
