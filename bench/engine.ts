// Engine benchmark: median epoch time of four small trainings in normalcy's
// libtorch engine and, where Debian's python3-torch is installed, in PyTorch on
// the same machine, then the RSS after 1,000 and 10,000 LSTM steps.
// Usage: npm run bench:engine [-- --epochs 3 --quick]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import {
  manualSeed,
  randn,
  rand,
  randperm,
  tidy,
  dispose,
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
  getNumThreads,
  engineThreading,
  type Tensor,
  type Module,
} from '../src/engine/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const epochs = Number(args[args.indexOf('--epochs') + 1]) || 3;
const scale = quick ? 0.1 : 1;
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1]!.split(',') : undefined;
const BATCH = 256;

interface Case {
  name: 'lstm' | 'gru' | 'dense' | 'conv2d';
  n: number;
  makeData: () => { x: Tensor; y: Tensor };
  makeModel: () => { params: Tensor[]; loss: (x: Tensor, y: Tensor) => Tensor };
}

function recurrentCase(name: 'lstm' | 'gru'): Case {
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

const cases: Case[] = [
  recurrentCase('lstm'),
  recurrentCase('gru'),
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

// A dense epoch takes ~60 ms, where 3 epochs give a noisy median: that case
// (on both sides) runs 10x the epochs.
const epochsOf = (c: Case) => (c.name === 'dense' ? epochs * 10 : epochs);

function runCase(c: Case): number {
  manualSeed(0);
  const { x, y } = c.makeData();
  const model = c.makeModel();
  const opt = new Adam(model.params, { lr: 1e-3 });
  const times: number[] = [];
  for (let e = 0; e < epochsOf(c); e++) {
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
    process.stderr.write(
      `  ${c.name} epoch ${e + 1}: ${times[e]!.toFixed(2)} s, last loss ${last.toFixed(4)}\n`,
    );
  }
  // Free this case's data and weights before the next case starts.
  dispose([x, y, ...model.params]);
  return median(times);
}

/** RSS after 1,000 and 10,000 small LSTM training steps (batch 32, 50 steps). */
// It yields to the event loop every 16 steps, as the trainer does: Node runs
// the finalizers of freed tensor handles there, not inside a synchronous loop.
async function memoryCheck(
  steps: number,
): Promise<{ rss1k: number; rss10k: number; growth: number }> {
  manualSeed(1);
  const lstm = new LSTM({ inputSize: 1, hiddenSize: 64 });
  const head = new Linear(64, 10);
  const opt = new Adam([...lstm.parameters(), ...head.parameters()]);
  const x = randn([32, 50, 1]);
  const y = randn([32, 10]);
  let rss1k = 0;
  for (let s = 1; s <= steps; s++) {
    tidy(() => {
      opt.zeroGrad();
      const loss = F.mse(head.forward(lstm.run(x).h.squeeze(0)), y);
      loss.backward();
      opt.step();
    });
    if (s % 16 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (s === steps / 10) rss1k = process.memoryUsage().rss;
  }
  const rss10k = process.memoryUsage().rss;
  return { rss1k: rss1k / 2 ** 20, rss10k: rss10k / 2 ** 20, growth: rss10k / rss1k - 1 };
}

function torchTimes(): Record<string, number> | undefined {
  const script = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    'bench',
    'engine_torch.py',
  );
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    process.stderr.write(
      'python3-torch is not installed: PyTorch reference skipped (apt-get install python3-torch)\n',
    );
    return undefined;
  }
  const r = spawnSync(
    '/usr/bin/python3',
    [
      script,
      '--epochs',
      String(epochs),
      '--threads',
      String(getNumThreads()),
      ...(quick ? ['--quick'] : []),
      ...(only ? ['--only', only.join(',')] : []),
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    },
  );
  if (r.status !== 0) throw new Error(`PyTorch reference failed (exit ${r.status})`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, number>;
}

const cpu = cpus()[0]?.model ?? 'unknown cpu';
const threading = engineThreading();
console.log(
  `normalcy engine benchmark: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, torch threads ${threading.threads} (${threading.chosenBy}, load ${threading.loadAverage} at start), OMP_WAIT_POLICY=${threading.ompWaitPolicy}, ${epochs} epochs, batch ${BATCH}${quick ? ', quick (10% data)' : ''}`,
);
const selected = only ? cases.filter((c) => only.includes(c.name)) : cases;
const ours: Record<string, number> = {};
for (const c of selected) {
  ours[c.name] = runCase(c);
  console.log(`normalcy ${c.name}: median epoch ${ours[c.name]!.toFixed(3)} s`);
}
const torch = torchTimes();
const summary: Record<string, unknown> = {};
for (const c of selected) {
  const t = torch?.[c.name];
  summary[c.name] = {
    ours_s: +ours[c.name]!.toFixed(3),
    torch_s: t === undefined ? null : +t.toFixed(3),
    ratio: t === undefined ? null : +(ours[c.name]! / t).toFixed(3),
  };
  console.log(
    `${c.name}: ours ${ours[c.name]!.toFixed(3)} s, PyTorch ${t === undefined ? 'n/a' : t.toFixed(3) + ' s'}, ratio ${t === undefined ? 'n/a' : (ours[c.name]! / t).toFixed(3)}`,
  );
}
const mem = await memoryCheck(quick || only ? 2000 : 10000);
console.log(
  `RSS after ${quick ? 200 : 1000} LSTM steps: ${mem.rss1k.toFixed(1)} MB; after ${quick ? 2000 : 10000}: ${mem.rss10k.toFixed(1)} MB (growth ${(mem.growth * 100).toFixed(2)}%, goal <= 5%)`,
);
summary.rss_1k_steps_mb = +mem.rss1k.toFixed(1);
summary.rss_10k_steps_mb = +mem.rss10k.toFixed(1);
summary.rss_growth_pct = +(mem.growth * 100).toFixed(2);
summary.peak_rss_mb = +(process.resourceUsage().maxRSS / 1024).toFixed(1);
console.log(JSON.stringify(summary));
