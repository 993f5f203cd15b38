// The training loop's held-out split (validationSplit) and early stopping on it, and
// trainBatches' hooks (per-batch loss, epoch order, held-out loss).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, tensor, Linear, F } from '../../src/engine/index.js';
import {
  splitValidation,
  train,
  trainBatches,
  type TrainingData,
} from '../../src/models/trainer.js';

/** y = 2x + 1 examples that record which indices the loop asked for. */
function recordingData(count: number): TrainingData & { seen: Set<number> } {
  const seen = new Set<number>();
  return {
    count,
    seen,
    batch: (idx) => {
      idx.forEach((i) => seen.add(i));
      const xs = Float32Array.from(idx, (i) => i / count);
      return {
        x: tensor(xs, [idx.length, 1]),
        y: tensor(
          xs.map((v) => 2 * v + 1),
          [idx.length, 1],
        ),
      };
    },
  };
}

/** The parent indices of a subset of recordingData(parentCount), read back from its x. */
function indicesOf(data: TrainingData, parentCount = 100): number[] {
  const all = Int32Array.from({ length: data.count }, (_, i) => i);
  return Array.from(data.batch(all).x.data() as Float32Array, (v) => Math.round(v * parentCount));
}

test('splitValidation: a seeded partition of round(count * share) held-out examples', () => {
  manualSeed(3);
  const a = splitValidation(recordingData(100), 0.2);
  assert.equal(a.validation.count, 20);
  assert.equal(a.train.count, 80);
  const held = indicesOf(a.validation);
  const kept = indicesOf(a.train);
  assert.deepEqual(
    [...held, ...kept].sort((p, q) => p - q),
    Array.from({ length: 100 }, (_, i) => i),
  );
  // Shuffled, not the last 20.
  assert.notDeepEqual(
    held,
    Array.from({ length: 20 }, (_, i) => 80 + i),
  );
  manualSeed(3);
  assert.deepEqual(indicesOf(splitValidation(recordingData(100), 0.2).validation), held);
  manualSeed(4);
  assert.notDeepEqual(indicesOf(splitValidation(recordingData(100), 0.2).validation), held);
  // Small counts keep at least one example on each side.
  assert.equal(splitValidation(recordingData(2), 0.01).validation.count, 1);
  assert.equal(splitValidation(recordingData(2), 0.9).train.count, 1);
  assert.throws(
    () => splitValidation(recordingData(10), 1),
    /validationSplit must be between 0 and 1/,
  );
});

const config = { epochs: 3, batchSize: 8, learningRate: 1e-2, patience: 0, minDelta: 0 };

test('train: validationSplit holds examples out of training and reports their loss', async () => {
  manualSeed(0);
  const model = new Linear(1, 1);
  const data = recordingData(50);
  const s = await train(
    model,
    (x, y) => F.mse(model.forward(x), y),
    data,
    {
      ...config,
      validationSplit: 0.2,
    },
    { seed: 1 },
  );
  assert.equal(s.history.length, 3);
  assert.ok(s.history.every((r) => typeof r.validationLoss === 'number'));
  assert.equal(typeof s.bestValidationLoss, 'number');
  // Every example was read (40 trained on, 10 held out), and the training loss is a mean over 40.
  assert.equal(data.seen.size, 50);
});

test('train: given validation data wins over validationSplit (all examples train)', async () => {
  manualSeed(0);
  const model = new Linear(1, 1);
  const data = recordingData(50);
  const held = recordingData(5);
  const batches: number[] = [];
  const counting: TrainingData = {
    count: data.count,
    batch: (idx) => {
      batches.push(idx.length);
      return data.batch(idx);
    },
  };
  await train(
    model,
    (x, y) => F.mse(model.forward(x), y),
    counting,
    {
      ...config,
      epochs: 1,
      validationSplit: 0.5,
    },
    { validation: held },
  );
  assert.equal(
    batches.reduce((a, b) => a + b, 0),
    50,
  );
  assert.equal(held.seen.size, 5);
});

test('train: the split is the same for the same seed (same losses)', async () => {
  const run = async (seed: number) => {
    manualSeed(0);
    const model = new Linear(1, 1);
    const s = await train(
      model,
      (x, y) => F.mse(model.forward(x), y),
      recordingData(64),
      {
        ...config,
        validationSplit: 0.25,
      },
      { seed },
    );
    return s.history.map((r) => r.validationLoss);
  };
  assert.deepEqual(await run(5), await run(5));
  assert.notDeepEqual(await run(5), await run(6));
});

test("trainBatches: the loss hook sees each epoch's order in batches; the held-out loss picks the best epoch", async () => {
  manualSeed(0);
  const model = new Linear(1, 1);
  const data = recordingData(20);
  // Epoch e visits the examples in a rotation by e: the hook's order, not torch's.
  let epoch = 0;
  const orders = Array.from({ length: 3 }, (_, e) =>
    Int32Array.from({ length: 20 }, (_, i) => (i + e) % 20),
  );
  const seen: number[][] = [];
  const held = [0.5, 0.2, 0.3];
  const s = await trainBatches(
    model,
    {
      count: 20,
      order: () => orders[epoch++]!,
      loss: (idx) => {
        seen.push(Array.from(idx));
        const { x, y } = data.batch(idx);
        return F.mse(model.forward(x), y);
      },
      validationLoss: () => held[epoch - 1]!,
      yieldEvery: 1,
    },
    config,
  );
  assert.equal(seen.length, 9); // 3 epochs of batches of 8, 8 and 4
  assert.deepEqual(seen[0], [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(seen[3], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(seen[8], [18, 19, 0, 1]);
  assert.deepEqual(
    s.history.map((r) => r.validationLoss),
    held,
  );
  assert.equal(s.bestEpoch, 2);
  assert.equal(s.bestValidationLoss, 0.2);
  assert.equal(model.training, false);
  const never = () => {
    throw new Error('no batch to take a loss of');
  };
  await assert.rejects(
    trainBatches(model, { count: 0, loss: never }, config),
    /no training examples/,
  );
});
