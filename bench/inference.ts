// Inference benchmark: windows scored per second by the default LSTM
// forecaster, a GRU forecaster, the dense autoencoder and conv1d autoencoder: the network's forward
// pass in normalcy's engine (no autograd, eval mode), with its fused inference
// kernels (the default) and with torch's own (setFusedInference(false)), the whole detector
// score() path (windowing, forward, errors, alignment), PyTorch under
// torch.no_grad (Debian's python3-torch, same threads and batch) and, where it
// is installed, onnxruntime-node (CPU) on the same networks exported by PyTorch.
// onnxruntime-node is not a dependency (113 MB, and on linux/x64 its install
// script fetches CUDA libraries from NuGet unless told not to); to include it:
//   npm install --no-save onnxruntime-node --onnxruntime-node-install=skip
// Then the live (streaming) forecast of the LSTM and GRU forecasters: steps
// per second through slidingForecast(50).push (one lstmStep/gruStep over the
// 50 open windows per input step), fused kernels and torch's.
// Each figure comes with the CPU time per 1,024 windows (ms, median of the repeats: the
// process's user + system time, all threads), which a loaded machine disturbs less than
// the wall time.
// Usage: npm run bench:inference [-- --windows 20000 --batch 1024 --repeats 3 --stream-steps 2000
//   --only dense-autoencoder,conv-autoencoder --no-stream]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeries } from '../src/data/series.js';
import { Autoencoder } from '../src/detectors/autoencoder.js';
import { Forecaster } from '../src/detectors/forecaster.js';
import {
  engineThreading,
  manualSeed,
  noGrad,
  randn,
  setFusedInference,
  tidy,
  type Module,
} from '../src/engine/index.js';
import { buildAutoencoderNetwork } from '../src/models/autoencoder-networks.js';
import { buildForecastNetwork } from '../src/models/forecast-networks.js';
import type { SlidingForecastSource } from '../src/models/sliding-windows.js';
import { benchSource, median } from './engine-cases.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const windows = arg('windows', 20000);
const batch = arg('batch', 1024);
const repeats = arg('repeats', 3);
const streamSteps = arg('stream-steps', 2000);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1]!.split(',') : undefined;
const noStream = args.includes('--no-stream');
type Name = 'lstm-forecaster' | 'gru-forecaster' | 'dense-autoencoder' | 'conv-autoencoder';

interface Network {
  name: Name;
  window: number;
  build: () => Module;
  detector: () => Forecaster | Autoencoder;
}

const noStopping = { epochs: 1, patience: 0, validationSplit: 0 };
const networks: Network[] = [
  {
    name: 'lstm-forecaster',
    window: 50,
    build: () =>
      buildForecastNetwork({ kind: 'lstm', window: 50, horizon: 1, channels: 1, hidden: [64] }),
    detector: () => new Forecaster({ ...noStopping }),
  },
  {
    name: 'gru-forecaster',
    window: 50,
    build: () =>
      buildForecastNetwork({ kind: 'gru', window: 50, horizon: 1, channels: 1, hidden: [64] }),
    detector: () => new Forecaster({ network: 'gru', ...noStopping }),
  },
  {
    name: 'dense-autoencoder',
    window: 48,
    build: () =>
      buildAutoencoderNetwork({
        kind: 'dense',
        window: 48,
        channels: 1,
        hidden: [64, 32],
        bottleneck: 8,
      }),
    detector: () => new Autoencoder({ network: 'dense', ...noStopping }),
  },
  {
    name: 'conv-autoencoder',
    window: 48,
    build: () =>
      buildAutoencoderNetwork({
        kind: 'conv1d',
        window: 48,
        channels: 1,
        hidden: [16, 32],
        bottleneck: 8,
        kernel: 5,
      }),
    detector: () => new Autoencoder({ network: 'conv1d', ...noStopping }),
  },
];

/** Windows per second (wall) and CPU ms per 1,024 windows, medians over the repeats. */
interface Rate {
  perSecond: number;
  cpuMs: number;
}

/** CPU milliseconds (user + system, all threads) of this process since `from`. */
const cpuMsSince = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/** Median over `repeats` of fn, which scores `windows` windows. */
async function rate(fn: () => void | Promise<void>): Promise<Rate> {
  await fn(); // warm-up
  const rates: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    rates.push(windows / ((performance.now() - t0) / 1000));
    cpu.push((cpuMsSince(c0) * 1024) / windows);
  }
  return { perSecond: median(rates), cpuMs: median(cpu) };
}

const show = (r: Rate): string => `${r.perSecond.toFixed(0)} windows/s, ${r.cpuMs.toFixed(2)} ms CPU`;

/** The network's forward pass alone, with normalcy's fused inference kernels or torch's. */
async function forwardRate(n: Network, fused: boolean): Promise<Rate> {
  manualSeed(0);
  const net = n.build().eval();
  const x = randn([windows, n.window, 1]);
  setFusedInference(fused);
  try {
    return await rate(() =>
      noGrad(() => {
        for (let i = 0; i < windows; i += batch)
          tidy(() => net.forward(x.slice(0, i, Math.min(i + batch, windows))).toFloat32Array());
      }),
    );
  } finally {
    setFusedInference(true);
  }
}

/** Live forecast steps per second: slidingForecast(window).push, fused kernels or torch's. */
function streamRate(n: Network, fused: boolean): number {
  manualSeed(0);
  const net = n.build().eval() as Module & SlidingForecastSource;
  const input = Float32Array.from({ length: streamSteps }, (_, t) => Math.sin(t / 10));
  setFusedInference(fused);
  try {
    const stream = net.slidingForecast(n.window);
    const rates: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      stream.reset();
      const t0 = performance.now();
      noGrad(() => {
        for (let t = 0; t < streamSteps; t++) stream.push(input.subarray(t, t + 1));
      });
      // The first pass warms up.
      if (r > 0) rates.push(streamSteps / ((performance.now() - t0) / 1000));
    }
    stream.dispose();
    return median(rates);
  } finally {
    setFusedInference(true);
  }
}

async function scoreRate(n: Network): Promise<Rate> {
  const d = n.detector();
  const steps = windows + n.window;
  const wave = (len: number) =>
    createSeries({
      data: Float32Array.from({ length: len }, (_, t) => Math.sin(t / 10) + 0.1 * Math.cos(t)),
      channels: 1,
    });
  await d.fit(wave(600), { seed: 0 });
  const series = wave(steps);
  return await rate(() => void d.score(series));
}

interface OrtModule {
  InferenceSession: {
    create(
      path: string,
      options: Record<string, unknown>,
    ): Promise<{
      run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
    }>;
  };
  Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
}

async function ortRates(dir: string, threads: number): Promise<Record<string, Rate> | string> {
  let ort: OrtModule;
  try {
    ort = (await import('onnxruntime-node' as string)) as OrtModule;
  } catch {
    return 'onnxruntime-node is not installed (npm install --no-save onnxruntime-node --onnxruntime-node-install=skip)';
  }
  const out: Record<string, Rate> = {};
  for (const n of networks.filter((m) => !only || only.includes(m.name))) {
    const session = await ort.InferenceSession.create(join(dir, `${n.name}.onnx`), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const data = Float32Array.from({ length: windows * n.window }, () => Math.random() - 0.5);
    const runAll = async () => {
      for (let i = 0; i < windows; i += batch) {
        const b = Math.min(batch, windows - i);
        const x = new ort.Tensor('float32', data.subarray(i * n.window, (i + b) * n.window), [
          b,
          n.window,
          1,
        ]);
        await session.run({ x });
      }
    };
    out[n.name] = await rate(runAll);
  }
  return out;
}

function torchRates(threads: number, onnxDir: string): Record<string, Rate> | string {
  const script = benchSource('inference_torch.py');
  const r = spawnSync(
    '/usr/bin/python3',
    [
      script,
      ...['--threads', String(threads), '--batch', String(batch)],
      ...['--windows', String(windows), '--repeats', String(repeats), '--onnx', onnxDir],
      ...(only ? ['--only', only.join(',')] : []),
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    },
  );
  if (r.status !== 0)
    return 'PyTorch reference failed or python3-torch is not installed (apt-get install python3-torch)';
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, Rate>;
}

const t = engineThreading();
const load = () => loadavg()[0]!.toFixed(2);
console.log(
  `inference benchmark: ${windows} windows, batch ${batch}, median of ${repeats}; torch threads ${t.threads} (${t.chosenBy}, ${t.busyElsewhere} threads busy elsewhere), OMP_WAIT_POLICY=${t.ompWaitPolicy}; ${availableParallelism()} cores, load average ${load()}`,
);
const onnxDir = mkdtempSync(join(tmpdir(), 'normalcy-onnx-'));
const chosen = networks.filter((n) => !only || only.includes(n.name));
try {
  const summary: Record<string, Record<string, Rate | null>> = {};
  for (const n of chosen) {
    const torchKernels = await forwardRate(n, false);
    const forward = await forwardRate(n, true);
    const score = await scoreRate(n);
    summary[n.name] = {
      ours_forward: forward,
      ours_forward_torch_kernels: torchKernels,
      ours_score: score,
    };
    console.log(
      `normalcy ${n.name}: forward ${show(forward)} (torch's kernels ${show(torchKernels)}), detector score() ${show(score)}`,
    );
  }
  const torch = torchRates(t.threads, onnxDir);
  if (typeof torch === 'string') console.log(torch);
  const ort =
    typeof torch === 'string'
      ? 'no ONNX files (PyTorch exports them)'
      : await ortRates(onnxDir, t.threads);
  if (typeof ort === 'string') console.log(`onnxruntime skipped: ${ort}`);
  for (const n of chosen) {
    const s = summary[n.name]!;
    s.pytorch = typeof torch === 'string' ? null : torch[n.name]!;
    s.onnxruntime = typeof ort === 'string' ? null : ort[n.name]!;
    const or = (r: Rate | null) => (r ? show(r) : 'n/a');
    console.log(
      `${n.name}: normalcy forward ${show(s.ours_forward!)}; score() ${show(s.ours_score!)}; PyTorch ${or(s.pytorch)}; onnxruntime ${or(s.onnxruntime)}`,
    );
  }
  const streaming: Record<string, Record<string, number>> = {};
  for (const n of chosen.filter((m) => !noStream && m.name.endsWith('-forecaster'))) {
    const torchKernels = streamRate(n, false);
    const fused = streamRate(n, true);
    streaming[n.name] = { fused: Math.round(fused), torch_kernels: Math.round(torchKernels) };
    console.log(
      `${n.name} live forecast (slidingForecast(${n.window}).push): ${fused.toFixed(0)} steps/s (torch's kernels ${torchKernels.toFixed(0)})`,
    );
  }
  const round = (r: Rate | null) =>
    r && { perSecond: Math.round(r.perSecond), cpuMs: Number(r.cpuMs.toFixed(3)) };
  const rounded = Object.fromEntries(
    Object.entries(summary).map(([k, v]) => [
      k,
      Object.fromEntries(Object.entries(v).map(([m, r]) => [m, round(r)])),
    ]),
  );
  console.log(`load average at the end ${load()}`);
  console.log(JSON.stringify({ ...rounded, streaming_steps_per_s: streaming }));
} finally {
  rmSync(onnxDir, { recursive: true, force: true });
}
