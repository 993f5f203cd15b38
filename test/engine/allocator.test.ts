import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  enterTrainingAllocator,
  inTrainingAllocator,
  manualSeed,
  tensor,
  Linear,
  F,
} from '../../src/engine/index.js';
import { train } from '../../src/models/trainer.js';

test('the training malloc setting holds until the last of nested trainings ends', () => {
  assert.equal(inTrainingAllocator(), false);
  const outer = enterTrainingAllocator();
  const inner = enterTrainingAllocator();
  assert.equal(inTrainingAllocator(), true);
  inner();
  inner(); // releasing twice does not release the outer one
  assert.equal(inTrainingAllocator(), true);
  outer();
  assert.equal(inTrainingAllocator(), false);
});

test('train() holds the training setting while it runs and releases it after', async () => {
  manualSeed(0);
  const model = new Linear(1, 1);
  const during: boolean[] = [];
  await train(
    model,
    (x, y) => F.mse(model.forward(x), y),
    {
      count: 16,
      batch: (idx) => ({
        x: tensor(
          Float32Array.from(idx, (i) => i / 16),
          [idx.length, 1],
        ),
        y: tensor(
          Float32Array.from(idx, (i) => i / 8),
          [idx.length, 1],
        ),
      }),
    },
    { epochs: 2, batchSize: 8, learningRate: 1e-2, patience: 0, minDelta: 0 },
    { onEpoch: () => during.push(inTrainingAllocator()) },
  );
  assert.deepEqual(during, [true, true]);
  assert.equal(inTrainingAllocator(), false);
  // A failing training releases it too.
  await assert.rejects(
    train(
      model,
      (x, y) => F.mse(model.forward(x), y),
      { count: 0, batch: () => ({}) as never },
      {
        epochs: 1,
        batchSize: 8,
        learningRate: 1e-2,
        patience: 0,
        minDelta: 0,
      },
    ),
    /no training examples/,
  );
  assert.equal(inTrainingAllocator(), false);
});
