// The four training cases of the engine benchmarks (bench/engine.ts against
// PyTorch, bench/contention.ts beside other work): an LSTM and a GRU over 100
// steps, a dense autoencoder and a convolutional autoencoder on 32x32 images.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  manualSeed,
  randn,
  rand,
  randperm,
  tidy,
  dispose,
  enterTrainingAllocator,
  F,
  Adam,
  LSTM,
  GRU,
  Linear,
  Sequential,
  ReLU,
  Sigmoid,
  Conv2d,
  MaxPool2d,
  Upsample,
  type Tensor,
  type Module,
} from '../src/engine/index.js';

export const BATCH = 256;

export type CaseName = 'lstm' | 'gru' | 'dense' | 'conv2d';

export interface Case {
  name: CaseName;
  n: number;
  makeData: () => { x: Tensor; y: Tensor };
  makeModel: () => { params: Tensor[]; loss: (x: Tensor, y: Tensor) => Tensor };
}

function recurrentCase(name: 'lstm' | 'gru', scale: number): Case {
  const n = Math.round(20000 * scale);
  return {
    name,
    n,
    makeData: () => ({ x: randn([n, 100, 1]), y: randn([n, 10]) }),
    makeModel: () => {
      const rnn =
        name === 'lstm'
          ? new LSTM({ inputSize: 1, hiddenSize: 64 })
          : new GRU({ inputSize: 1, hiddenSize: 64 });
      const head = new Linear(64, 10);
      return {
        params: [...rnn.parameters(), ...head.parameters()],
        loss: (x, y) => {
          const h = rnn instanceof LSTM ? rnn.run(x).h : (rnn as GRU).run(x).h;
          return F.mse(head.forward(h.squeeze(0)), y);
        },
      };
    },
  };
}

function moduleCase(
  name: 'dense' | 'conv2d',
  n: number,
  shape: number[],
  build: () => Module,
): Case {
  return {
    name,
    n,
    makeData: () => {
      const x = rand([n, ...shape]);
      return { x, y: x };
    },
    makeModel: () => {
      const m = build();
      return { params: m.parameters(), loss: (x, y) => F.mse(m.forward(x), y) };
    },
  };
}

/** The four cases at `scale` x their full sizes (20,000, 20,000, 20,000 and 10,000 examples). */
export const engineCases = (scale: number): Case[] => [
  recurrentCase('lstm', scale),
  recurrentCase('gru', scale),
  moduleCase(
    'dense',
    Math.round(20000 * scale),
    [100],
    () =>
      new Sequential(
        new Linear(100, 64),
        new ReLU(),
        new Linear(64, 16),
        new ReLU(),
        new Linear(16, 64),
        new ReLU(),
        new Linear(64, 100),
      ),
  ),
  moduleCase(
    'conv2d',
    Math.round(10000 * scale),
    [3, 32, 32],
    () =>
      new Sequential(
        new Conv2d(3, 32, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(32, 64, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Upsample(2),
        new Conv2d(64, 32, 3, { padding: 1 }),
        new ReLU(),
        new Upsample(2),
        new Conv2d(32, 3, 3, { padding: 1 }),
        new Sigmoid(),
      ),
  ),
];

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

// A dense epoch takes ~60 ms, where 3 epochs give a noisy median: that case
// (on both sides) runs 10x the epochs.
export const epochsOf = (c: Case, epochs: number): number =>
  c.name === 'dense' ? epochs * 10 : epochs;

/** Trains the case for epochsOf(c, epochs) epochs; returns the epoch times in seconds. */
export function runCase(c: Case, epochs: number, log = true): number[] {
  // The malloc setting the trainer trains under (src/engine/allocator.ts).
  const releaseAllocator = enterTrainingAllocator();
  manualSeed(0);
  const { x, y } = c.makeData();
  const model = c.makeModel();
  const opt = new Adam(model.params, { lr: 1e-3 });
  const times: number[] = [];
  for (let e = 0; e < epochsOf(c, epochs); e++) {
    const t0 = performance.now();
    let last = 0;
    tidy(() => {
      const order = randperm(c.n);
      for (let i = 0; i < c.n; i += BATCH) {
        last = tidy(() => {
          const idx = order.slice(0, i, Math.min(i + BATCH, c.n));
          const xb = x.indexSelect(0, idx);
          const yb = y.indexSelect(0, idx);
          opt.zeroGrad();
          const loss = model.loss(xb, yb);
          loss.backward();
          opt.step();
          return i + BATCH >= c.n ? loss.item() : 0;
        });
      }
    });
    times.push((performance.now() - t0) / 1000);
    if (log)
      process.stderr.write(
        `  ${c.name} epoch ${e + 1}: ${times[e]!.toFixed(2)} s, last loss ${last.toFixed(4)}\n`,
      );
  }
  // Free this case's data and weights before the next case starts.
  dispose([x, y, ...model.params]);
  releaseAllocator();
  return times;
}

/** A file of the repository's bench/ folder (the Python references), from dist/bench. */
export function benchSource(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', name);
}
