// Dropout in the recurrent forecasters: applied in training, off in eval mode,
// and without parameters of its own (weights load across dropout settings).
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
