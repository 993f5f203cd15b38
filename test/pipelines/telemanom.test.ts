import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSeries } from '../../src/data/series.js';
import { telemanomEnsembleDetect, telemanomForecaster } from '../../src/pipelines/telemanom.js';

const sine = (n: number) =>
  createSeries({ data: Float32Array.from({ length: n }, (_, t) => Math.sin(t / 8)), channels: 1 });

test('telemanomEnsembleDetect: one forecaster is telemanomDetect; the mean of several, which must agree in window and horizon', async () => {
  const train = sine(400);
  const test_ = sine(600);
  const config = { window: 20, horizon: 3, hidden: [4], epochs: 2 };
  const a = telemanomForecaster(config);
  const b = telemanomForecaster(config);
  await a.fit(train, { seed: 1 });
  await b.fit(train, { seed: 2 });
  const alone = [a, b].map((f) => telemanomEnsembleDetect([f], test_));
  const both = telemanomEnsembleDetect([a, b], test_);
  assert.equal(both.start, 20);
  assert.equal(both.errors.length, 600 - 20 - 3);
  for (let i = 0; i < both.errors.length; i++)
    assert.ok(
      Math.abs(both.errors[i]! - (alone[0]!.errors[i]! + alone[1]!.errors[i]!) / 2) < 1e-6,
      `error ${i}`,
    );
  assert.throws(() => telemanomEnsembleDetect([], test_), /no forecaster given/);
  const other = telemanomForecaster({ ...config, window: 30 });
  assert.throws(
    () => telemanomEnsembleDetect([a, other], test_),
    /the forecasters differ in window or horizon/,
  );
});
