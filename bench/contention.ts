// Contention benchmark: the median epoch time of the four engine cases
// (bench/engine-cases.ts) and of AMSL, each in a fresh process, alone, beside
// one copy of itself, and beside a CPU hog on every core; printed with the
// slowdown factors, for the old defaults ("before": OMP_WAIT_POLICY=ACTIVE,
// one torch thread per core) and the engine's defaults ("after": passive
// waiting, threads from the cores free). Goal: beside one copy at most 2.2x
// alone (a fair share of the cores).
// Usage: npm run bench:contention [-- --scale 0.1 --epochs 3 --cases lstm,amsl --configs after]
// About 6 minutes on a quiet 2-core machine with the defaults.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createSeries } from '../src/data/series.js';
import { AmslDetector } from '../src/detectors/amsl.js';
import { engineThreading, manualSeed, randn } from '../src/engine/index.js';
import { engineCases, median, runCase, type CaseName } from './engine-cases.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const scale = Number(arg('scale', '0.1'));
const epochs = Number(arg('epochs', '3'));
type Name = CaseName | 'amsl';
const ALL: Name[] = ['lstm', 'gru', 'dense', 'conv2d', 'amsl'];
const caseNames = arg('cases', ALL.join(',')).split(',') as Name[];
const configNames = arg('configs', 'before,after').split(',');
for (const n of caseNames) if (!ALL.includes(n)) throw new Error(`--cases: unknown case '${n}'`);

interface WorkerResult {
  name: Name;
  median: number;
  times: number[];
  threads: number;
  policy: string;
}

/** AMSL on DSADS-shaped random segments (125 x 45), the bench dsads network. */
async function amslEpochs(): Promise<number[]> {
  manualSeed(0);
  const n = Math.max(32, Math.round(1008 * scale));
  const data = randn([n, 125 * 45]).toFloat32Array();
  const detector = new AmslDetector({
    hidden: [32, 16, 16],
    memoryItems: 50,
    epochs,
    batchSize: 32,
  });
  const times: number[] = [];
  await detector.fit(createSeries({ data, channels: 125 * 45 }), {
    seed: 0,
    onEpoch: (r) => times.push(r.seconds),
  });
  return times;
}

/** Worker mode: train one case, print its epoch times as one JSON line. */
async function worker(name: Name): Promise<void> {
  const times =
    name === 'amsl'
      ? await amslEpochs()
      : runCase(
          engineCases(scale).find((c) => c.name === name)!,
          epochs,
          false,
        );
  const t = engineThreading();
  const result: WorkerResult = {
    name,
    median: median(times),
    times,
    threads: t.threads,
    policy: t.ompWaitPolicy,
  };
  console.log(JSON.stringify(result));
}

const configs: Record<string, (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv> = {
  // The engine's defaults before it chose them: busy-waiting workers, a thread per core.
  before: (env) => ({
    ...env,
    OMP_WAIT_POLICY: 'ACTIVE',
    NORMALCY_THREADS: String(availableParallelism()),
  }),
  // The engine's defaults now: whatever the user did not set.
  after: (env) => {
    const out = { ...env };
    delete out.OMP_WAIT_POLICY;
    delete out.NORMALCY_THREADS;
    return out;
  },
};

const self = fileURLToPath(import.meta.url);

function startWorker(name: Name, env: NodeJS.ProcessEnv): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [self, '--worker', name, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${name} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as WorkerResult);
    });
  });
}

/** One busy-looping process per core, started before and killed after `fn`. */
async function besideHog<T>(fn: () => Promise<T>): Promise<T> {
  const hogs: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  await new Promise((r) => setTimeout(r, 300));
  try {
    return await fn();
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
  }
}

interface Row {
  name: Name;
  config: string;
  alone: WorkerResult;
  pair: WorkerResult[];
  hog: WorkerResult;
}

async function main(): Promise<void> {
  const started = performance.now();
  const base = { ...process.env };
  console.log(
    `contention benchmark: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'}), scale ${scale}, ${epochs} epochs (median), cases ${caseNames.join(', ')}, configs ${configNames.join(', ')}`,
  );
  const rows: Row[] = [];
  for (const name of caseNames) {
    for (const config of configNames) {
      const make = configs[config];
      if (!make) throw new Error(`--configs: unknown config '${config}' (before, after)`);
      const env = make(base);
      const alone = await startWorker(name, env);
      const pair = await Promise.all([startWorker(name, env), startWorker(name, env)]);
      const hog = await besideHog(() => startWorker(name, env));
      rows.push({ name, config, alone, pair, hog });
      const pairMedian = (pair[0]!.median + pair[1]!.median) / 2;
      console.log(
        `${name.padEnd(6)} ${config.padEnd(6)} alone ${alone.median.toFixed(3)} s (${alone.threads} thr)` +
          `  beside a copy ${pairMedian.toFixed(3)} s (${pair.map((p) => p.threads).join('+')} thr) x${(pairMedian / alone.median).toFixed(2)}` +
          `  beside a hog ${hog.median.toFixed(3)} s (${hog.threads} thr) x${(hog.median / alone.median).toFixed(2)}`,
      );
    }
  }
  const summary = rows.map((r) => {
    const pair = (r.pair[0]!.median + r.pair[1]!.median) / 2;
    return {
      case: r.name,
      config: r.config,
      policy: r.alone.policy,
      threads: { alone: r.alone.threads, pair: r.pair.map((p) => p.threads), hog: r.hog.threads },
      alone_s: +r.alone.median.toFixed(3),
      pair_s: +pair.toFixed(3),
      hog_s: +r.hog.median.toFixed(3),
      pair_x: +(pair / r.alone.median).toFixed(2),
      hog_x: +(r.hog.median / r.alone.median).toFixed(2),
    };
  });
  const worstPair = Math.max(
    ...summary.filter((s) => s.config === 'after').map((s) => s.pair_x),
    -Infinity,
  );
  if (Number.isFinite(worstPair))
    console.log(
      `after: worst slowdown beside one copy x${worstPair.toFixed(2)} (goal <= 2.2) ${worstPair <= 2.2 ? 'met' : 'NOT met'}`,
    );
  console.log(`wall ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(JSON.stringify(summary));
}

const w = args.indexOf('--worker');
if (w >= 0) await worker(args[w + 1] as Name);
else await main();
