// Optimizers, seeded determinism and the save/load round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Adam,
  SGD,
  RMSprop,
  Linear,
  LSTM,
  Sequential,
  ReLU,
  BatchNorm,
  manualSeed,
  randn,
  tensor,
  tidy,
  F,
  saveTensors,
  loadTensors,
  zeros,
  liveTensorCount,
  type Module,
  type Tensor,
} from '../../src/engine/index.js';

function trainTiny(seed: number, steps = 30): { losses: number[]; weights: number[] } {
  manualSeed(seed);
  const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const x = randn([64, 4]);
  const y = x.sum(1, true).mul(0.5);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    losses.push(
      tidy(() => {
        opt.zeroGrad();
        const loss = F.mse(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      }),
    );
  }
  return { losses, weights: model.parameters().flatMap((p) => p.toArray()) };
}

test('Adam reduces a regression loss', () => {
  const { losses } = trainTiny(7, 100);
  assert.ok(losses[99]! < losses[0]! * 0.2, `loss ${losses[0]} -> ${losses[99]}`);
});

test('same seed gives the same weights and losses; another seed differs', () => {
  const a = trainTiny(11);
  const b = trainTiny(11);
  const c = trainTiny(12);
  assert.deepEqual(a.losses, b.losses);
  assert.deepEqual(a.weights, b.weights);
  assert.notDeepEqual(a.weights, c.weights);
});

test('SGD with momentum and RMSprop step in the right direction; learning rate can change', () => {
  for (const make of [
    (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }),
    (p: Tensor[]) => new RMSprop(p, { lr: 0.05 }),
  ]) {
    const w = tensor(new Float32Array([3, -2]), [2]).requireGrad();
    const opt = make([w]);
    for (let i = 0; i < 50; i++) {
      tidy(() => {
        opt.zeroGrad();
        w.square().sum().backward();
        opt.step();
      });
    }
    assert.ok(w.square().sum().item() < 1, `|w|^2 = ${w.square().sum().item()}`);
    opt.lr = 0.001;
    assert.ok(Math.abs(opt.lr - 0.001) < 1e-12);
  }
});

test('an optimizer refuses parameters that do not require grad', () => {
  assert.throws(() => new Adam([zeros([2])]), /does not require grad/);
});

test('save/load round trip is bit-exact for every dtype', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-'));
  const path = join(dir, 'weights.bin');
  manualSeed(3);
  const tensors = {
    a: randn([3, 5]),
    b: randn([7], 'float64'),
    c: tensor(new Int32Array([1, -2, 3]), [3]),
    d: tensor(new BigInt64Array([9007199254740993n]), [1]),
    e: tensor(new Uint8Array([0, 1, 255]), [3]),
    scalar: randn([]),
  };
  saveTensors(path, tensors);
  const back = loadTensors(path);
  assert.deepEqual(Object.keys(back), Object.keys(tensors));
  for (const [k, t] of Object.entries(tensors)) {
    assert.equal(back[k]!.dtype, t.dtype, k);
    assert.deepEqual(back[k]!.shape, t.shape, k);
    assert.ok(back[k]!.equal(t), `${k} differs after the round trip`);
  }
});

test('a model state dict survives save and load, batch-norm statistics included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-'));
  const path = join(dir, 'model.bin');
  const build = () =>
    new Sequential(new Linear(3, 4), new BatchNorm(4), new ReLU(), new Linear(4, 2));
  manualSeed(1);
  const m1: Module = build();
  m1.forward(randn([8, 3]));
  saveTensors(path, m1.stateDict());
  manualSeed(2);
  const m2: Module = build();
  m2.loadStateDict(loadTensors(path));
  m1.eval();
  m2.eval();
  const x = randn([5, 3]);
  assert.ok(m1.forward(x).equal(m2.forward(x)));
  assert.ok('1.running_mean' in m1.stateDict());
});

test('loading a corrupt or foreign tensor file fails with the file name and the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-'));
  const foreign = join(dir, 'foreign.bin');
  writeFileSync(foreign, 'hello world, not tensors');
  assert.throws(
    () => loadTensors(foreign),
    (e: Error) => e.message.includes(foreign) && /bad magic/.test(e.message),
  );
  const good = join(dir, 'good.bin');
  saveTensors(good, { w: randn([100]) });
  const truncated = join(dir, 'truncated.bin');
  writeFileSync(truncated, readFileSync(good).subarray(0, 200));
  assert.throws(() => loadTensors(truncated), /truncated data for tensor 'w'/);
  assert.throws(() => loadTensors(join(dir, 'missing.bin')), /missing\.bin: tensor file not found/);
});

test('a state dict with a wrong shape or missing key is refused', () => {
  const lin = new Linear(3, 2);
  assert.throws(
    () => lin.loadStateDict({ weight: zeros([2, 4]), bias: zeros([2]) }),
    /'weight' has shape \[2x4\], the model needs \[2x3\]/,
  );
  assert.throws(() => lin.loadStateDict({ weight: zeros([2, 3]) }), /missing \[bias\]/);
});

test('an LSTM training loop inside tidy leaks no tensors', () => {
  manualSeed(0);
  const lstm = new LSTM({ inputSize: 1, hiddenSize: 8 });
  const head = new Linear(8, 1);
  const opt = new Adam([...lstm.parameters(), ...head.parameters()]);
  const x = randn([16, 10, 1]);
  const step = () =>
    tidy(() => {
      opt.zeroGrad();
      const out = lstm.run(x);
      const loss = F.mse(head.forward(out.h.squeeze(0)), x.slice(1, 9, 10).squeeze(2));
      loss.backward();
      opt.step();
    });
  step();
  const before = liveTensorCount();
  for (let i = 0; i < 20; i++) step();
  assert.equal(liveTensorCount(), before);
});
