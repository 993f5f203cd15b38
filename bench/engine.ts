// Engine benchmark: median epoch time of four small trainings in normalcy's
// libtorch engine and, where Debian's python3-torch is installed, in PyTorch on
// the same machine (same threads), then the RSS after 1,000 and 10,000 LSTM
// steps. Both sides run `--runs` times (default 3), alternating, and the ratio
// printed is the median of the runs' ratios: one run on a 2-core machine moved
// by +-10%. Run it on a quiet machine: under load the ratios say little.
// Usage: npm run bench:engine [-- --epochs 3 --runs 3 --quick --only gru,conv2d]
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import {
  manualSeed,
  randn,
  tidy,
  F,
  Adam,
  LSTM,
  Linear,
  getNumThreads,
  engineThreading,
} from '../src/engine/index.js';
import { BATCH, benchSource, engineCases, median, runCase } from './engine-cases.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const epochs = Number(args[args.indexOf('--epochs') + 1]) || 3;
const scale = quick ? 0.1 : 1;
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1]!.split(',') : undefined;
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
  const script = benchSource('engine_torch.py');
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
  `normalcy engine benchmark: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, torch threads ${threading.threads} (${threading.chosenBy}, ${threading.busyElsewhere} threads busy elsewhere), OMP_WAIT_POLICY=${threading.ompWaitPolicy}, matrix products ${threading.gemm} (NORMALCY_GEMM), ${epochs} epochs, batch ${BATCH}${quick ? ', quick (10% data)' : ''}`,
);
const cases = engineCases(scale);
const selected = only ? cases.filter((c) => only.includes(c.name)) : cases;
const ours: Record<string, number[]> = {};
const theirs: Record<string, number[]> = {};
const ratios: Record<string, number[]> = {};
for (let run = 1; run <= runs; run++) {
  for (const c of selected) {
    const t = median(runCase(c, epochs));
    (ours[c.name] ??= []).push(t);
    console.log(`run ${run}/${runs} normalcy ${c.name}: median epoch ${t.toFixed(3)} s`);
  }
  const torch = torchTimes();
  for (const c of selected) {
    const t = torch?.[c.name];
    if (t === undefined) continue;
    (theirs[c.name] ??= []).push(t);
    (ratios[c.name] ??= []).push(ours[c.name]![run - 1]! / t);
  }
}
const summary: Record<string, unknown> = { runs };
const spread = (xs: number[] | undefined, digits: number) =>
  xs ? xs.map((v) => v.toFixed(digits)).join(', ') : 'n/a';
for (const c of selected) {
  const r = ratios[c.name];
  const mine = median(ours[c.name]!);
  const ref = theirs[c.name] ? median(theirs[c.name]!) : undefined;
  summary[c.name] = {
    ours_s: +mine.toFixed(3),
    torch_s: ref === undefined ? null : +ref.toFixed(3),
    ratio: r ? +median(r).toFixed(3) : null,
    ratios: r ? r.map((v) => +v.toFixed(3)) : null,
  };
  console.log(
    `${c.name}: ours ${mine.toFixed(3)} s, PyTorch ${ref === undefined ? 'n/a' : ref.toFixed(3) + ' s'}, ratio (median of ${runs} runs) ${r ? median(r).toFixed(3) : 'n/a'} [runs: ${spread(r, 3)}]`,
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
