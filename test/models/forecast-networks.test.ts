// Dropout in the recurrent forecasters: applied in training, off in eval mode,
// and without parameters of its own (weights load across dropout settings); the
// residual form adds each output's last input value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, noGrad } from '../../src/engine/index.js';
import {
  buildForecastNetwork,
  type ForecastNetworkKind,
} from '../../src/models/forecast-networks.js';

for (const kind of ['lstm', 'gru', 'stacked'] as ForecastNetworkKind[]) {
  test(`${kind} forecaster: dropout changes training outputs, not eval outputs`, () => {
    manualSeed(1);
    const config = { kind, window: 12, horizon: 2, channels: 3, hidden: [16, 16] };
    const withDropout = buildForecastNetwork({ ...config, dropout: 0.5 });
    const plain = buildForecastNetwork({ ...config, dropout: 0 });
    plain.loadStateDict(withDropout.stateDict());
    const x = randn([8, 12, 3]);
    noGrad(() => {
      withDropout.train();
      const a = withDropout.forward(x).toFloat32Array();
      const b = withDropout.forward(x).toFloat32Array();
      assert.notDeepEqual(a, b, 'two training passes should draw different masks');
      withDropout.eval();
      plain.eval();
      const c = withDropout.forward(x).toFloat32Array();
      assert.deepEqual(c, withDropout.forward(x).toFloat32Array());
      assert.deepEqual(c, plain.forward(x).toFloat32Array());
      assert.notDeepEqual(a, c);
    });
  });
}

for (const kind of ['dense', 'lstm', 'gru'] as ForecastNetworkKind[]) {
  test(`${kind} forecaster with a residual: forecasts the change from each output's last input value`, () => {
    manualSeed(4);
    const config = { kind, window: 6, horizon: 3, channels: 3, outputs: 2, hidden: [8] };
    const residual = buildForecastNetwork({ ...config, residual: [2, 0] });
    const plain = buildForecastNetwork(config);
    plain.loadStateDict(residual.stateDict());
    residual.eval();
    plain.eval();
    const x = randn([4, 6, 3]);
    const xs = x.toFloat32Array();
    const [r, p] = noGrad(() => [residual, plain].map((n) => n.forward(x).toFloat32Array()));
    for (let b = 0; b < 4; b++)
      for (let h = 0; h < 3; h++)
        for (let o = 0; o < 2; o++) {
          const last = xs[(b * 6 + 5) * 3 + [2, 0][o]!]!;
          const i = (b * 3 + h) * 2 + o;
          assert.ok(Math.abs(r![i]! - (p![i]! + last)) < 1e-5, `batch ${b}, step ${h}, output ${o}`);
        }
  });
}

test('forecast network: a residual is refused where it has no meaning', () => {
  const config = { window: 6, horizon: 1, channels: 3, outputs: 1, hidden: [4] };
  assert.throws(
    () => buildForecastNetwork({ ...config, kind: 'stacked', residual: [0] }),
    /residual applies to lstm, gru and dense networks/,
  );
  assert.throws(
    () => buildForecastNetwork({ ...config, kind: 'lstm', residual: [0, 1] }),
    /one input channel below 3 per output \(1\)/,
  );
  assert.throws(
    () => buildForecastNetwork({ ...config, kind: 'lstm', residual: [3] }),
    /residual \[3\]/,
  );
});
