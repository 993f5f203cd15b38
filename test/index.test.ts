// The package's public entry point exposes every layer and the common shortcuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as normalcy from '../src/index.js';

test('the public API exposes the layers and the shortcuts', () => {
  for (const ns of [
    'engine',
    'data',
    'detectors',
    'thresholds',
    'metrics',
    'alarms',
    'report',
  ] as const) {
    assert.equal(typeof normalcy[ns], 'object', ns);
  }
  assert.deepEqual(normalcy.detectors.detectorNames().sort(), [
    'amsl',
    'auto',
    'autoencoder',
    'cae-ocsvm',
    'deep-svdd',
    'discord',
    'forecaster',
    'isolation-forest',
    'knn',
    'ocsvm',
    'pca',
    'rolling-zscore',
  ]);
  const d = normalcy.createDetector('forecaster', { network: 'gru' });
  assert.ok(d instanceof normalcy.Forecaster);
  assert.equal(normalcy.rocAuc(new Float32Array([0.1, 0.9]), new Uint8Array([0, 1])), 1);
  assert.match(normalcy.packageVersion(), /^\d+\.\d+\.\d+/);
});
