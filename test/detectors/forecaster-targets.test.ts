// The forecaster with `targets`: every channel is input, only some are forecast
// and scored (telemanom's set-up: command flags in, telemetry value out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriesFromColumns, sliceRows, type Series } from '../../src/data/series.js';
import { createRng } from '../../src/data/random.js';
import { Forecaster } from '../../src/detectors/forecaster.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadDetector } from '../../src/detectors/registry.js';
import { streamMatchesBatch } from '../helpers/stream-conformance.js';

/** Channel 1: random on/off commands; channel 0: the command of the step before, plus noise. */
function commanded(length: number, seed: number): Series {
  const rng = createRng(seed);
  const value = new Float32Array(length);
  const command = new Float32Array(length);
  for (let t = 0; t < length; t++) {
    command[t] = rng.next() < 0.5 ? 1 : 0;
    value[t] = (t > 0 ? command[t - 1]! : 0) + 0.01 * (rng.next() - 0.5);
  }
  return seriesFromColumns([value, command]);
}

const CONFIG = {
  network: 'dense' as const,
  window: 4,
  hidden: [16],
  scaler: 'none' as const,
  epochs: 30,
  batchSize: 32,
  learningRate: 1e-2,
};

test('forecaster targets: the other channels inform the forecast of the target', async () => {
  const train = commanded(1500, 1);
  const test = commanded(500, 2);
  const withCommands = new Forecaster({ ...CONFIG, targets: [0] });
  await withCommands.fit(train, { seed: 0 });
  assert.equal(withCommands.outputChannels, 1);
  // The same target forecast from its own past only cannot know the next command.
  const valueOnly = new Forecaster(CONFIG);
  await valueOnly.fit(
    seriesFromColumns([Float32Array.from(train.data.filter((_, i) => i % 2 === 0))]),
    {
      seed: 0,
    },
  );
  const own = valueOnly.score(
    seriesFromColumns([Float32Array.from(test.data.filter((_, i) => i % 2 === 0))]),
  );
  const informed = withCommands.score(test);
  const mean = (a: Float32Array) =>
    a.slice(CONFIG.window).reduce((s, v) => s + v, 0) / (a.length - CONFIG.window);
  assert.ok(
    mean(informed) < 0.2 * mean(own),
    `with commands ${mean(informed)}, value only ${mean(own)}`,
  );

  // Shapes: one column per target; the score is the explanation's row mean.
  const explained = withCommands.explain(test);
  assert.equal(explained.length, test.length);
  assert.deepEqual(Array.from(explained), Array.from(informed));
  const predicted = withCommands.predict(test);
  assert.equal(predicted.length, test.length);
  // Predictions track the command of the step before.
  let close = 0;
  for (let t = CONFIG.window; t < test.length; t++)
    if (Math.abs(predicted[t]! - test.data[(t - 1) * 2 + 1]!) < 0.25) close++;
  assert.ok(close > 0.95 * (test.length - CONFIG.window), `${close} close predictions`);

  // Save and load keep the targets and the scores.
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-targets-'));
  try {
    withCommands.save(join(dir, 'model'));
    const loaded = loadDetector(join(dir, 'model')) as Forecaster;
    assert.deepEqual(loaded.config.targets, [0]);
    assert.deepEqual(Array.from(loaded.score(test)), Array.from(informed));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forecaster targets: bad indices are named', async () => {
  assert.throws(() => new Forecaster({ targets: [-1] }), /targets/);
  const f = new Forecaster({ ...CONFIG, targets: [2] });
  await assert.rejects(
    f.fit(commanded(100, 3)),
    /targets \[2\] must be distinct channel indices below 2/,
  );
  const g = new Forecaster({ ...CONFIG, targets: [0, 0] });
  await assert.rejects(g.fit(commanded(100, 3)), /distinct/);
});

/** A slow random walk kept within [low, high], as channel 0 of a one-channel series. */
function walk(length: number, seed: number, low: number, high: number): Float32Array {
  const rng = createRng(seed);
  const v = new Float32Array(length);
  v[0] = (low + high) / 2;
  for (let t = 1; t < length; t++) {
    const next = v[t - 1]! + 0.02 * (rng.next() - 0.5);
    v[t] = next < low || next > high ? v[t - 1]! : next;
  }
  return v;
}

test('forecaster residual: a level never seen in training is followed, and the setting is saved', async () => {
  const config = { ...CONFIG, network: 'lstm' as const, window: 8, hidden: [8], epochs: 8 };
  const train = seriesFromColumns([walk(1500, 4, 0.7, 1)]);
  // The test walk moves to a level far below anything in training.
  const test = seriesFromColumns([walk(400, 5, -0.95, -0.65)]);
  const mean = (a: Float32Array) =>
    a.slice(config.window).reduce((s, v) => s + v, 0) / (a.length - config.window);
  const errors: Record<string, number> = {};
  for (const residual of [false, true]) {
    const f = new Forecaster({ ...config, residual });
    await f.fit(train, { seed: 1 });
    errors[String(residual)] = mean(f.score(test));
    if (!residual) continue;
    const dir = mkdtempSync(join(tmpdir(), 'normalcy-residual-'));
    try {
      f.save(join(dir, 'model'));
      const loaded = loadDetector(join(dir, 'model')) as Forecaster;
      assert.equal(loaded.config.residual, true);
      assert.deepEqual(Array.from(loaded.score(test)), Array.from(f.score(test)));
      // Live scoring adds the newest value too: the stream equals batch scoring.
      streamMatchesBatch(f, sliceRows(test, 0, 120));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.ok(errors.true! < 0.1 * errors.false!, `squared errors ${JSON.stringify(errors)}`);
});

test('forecaster residual: refused on the stacked network, by name', () => {
  assert.throws(
    () => new Forecaster({ ...CONFIG, network: 'stacked', hidden: [4], residual: true }),
    (e: Error) =>
      e instanceof ConfigError &&
      /forecaster config\.residual: applies to the lstm, gru and dense networks, not stacked/.test(
        e.message,
      ),
  );
});
