// Discord speed: test steps scored per second by the discord detector's exact AB-join
// (each test window against every window of a fixed 10^4-step reference, window 100),
// for 10^5, 10^6 (and 10^7 with --huge) test steps, beside a plain NumPy/SciPy
// implementation of the same algorithm (bench/discord_numpy.py) where python3 has numpy
// and scipy; plus the streaming DAMP detector's rows per second and the self-join.
// Each figure comes with its CPU seconds beside the wall seconds: on a loaded machine
// the wall time stretches, the CPU time much less, so steps per CPU second compare runs.
// Usage: node dist/bench/discord-speed.js [--quick] [--huge] [--sizes 100000,1000000]
//   [--numpy-max N] (NumPy computes at most the first N test windows of a size, a
//   fraction of the larger ones; default 10^6) [--ab-only] (no
//   self-join or DAMP) [--python PATH] (an interpreter with numpy and scipy; default
//   python3)
// The machine's load changes these numbers a lot: rerun on a quiet machine to quote them.
import { spawnSync } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { abJoin, selfJoin } from '../src/detectors/subsequence/matrix-profile.js';
import { scoreDampStream } from '../src/detectors/streaming/damp.js';
import { createRng } from '../src/data/random.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const huge = args.includes('--huge');
const abOnly = args.includes('--ab-only');
const argValue = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const python = argValue('--python') ?? 'python3';
const numpyMax = Number(argValue('--numpy-max') ?? 1_000_000);
const REF = 10_000;
const W = 100;

function series(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  let walk = 0;
  for (let i = 0; i < n; i++) {
    walk += rng.next() - 0.5;
    out[i] =
      Math.sin((2 * Math.PI * i) / 100) + (0.3 * walk) / Math.sqrt(n) + 0.1 * (rng.next() - 0.5);
  }
  return out;
}

/** Speed of one run: steps per wall second and the CPU seconds it took. */
interface Speed {
  /** Test windows computed (NumPy: maybe only the first ones of the series). */
  steps?: number;
  seconds: number;
  cpuSeconds: number;
}

/** Runs `f`, timing wall and this process's CPU (user + system). */
function timed(f: () => void): Speed {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const cpu = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

function numpy(n: number, rows: number): Speed | undefined {
  const r = spawnSync(
    python,
    [
      new URL('../../bench/discord_numpy.py', import.meta.url).pathname,
      String(n),
      String(REF),
      String(W),
      String(rows),
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    },
  );
  if (r.status !== 0) {
    process.stderr.write(
      `numpy reference skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}\n`,
    );
    return undefined;
  }
  return JSON.parse(r.stdout) as Speed;
}

/** "steps/s (CPU s, steps per CPU s)" for a table cell. */
const cell = (size: number, s: Speed | undefined) => {
  if (s === undefined) return 'n/a';
  const n = s.steps ?? size;
  const part = n < size - W + 1 ? `, first ${n.toExponential(0)} windows` : '';
  return `${(n / s.seconds).toFixed(0)} (${s.cpuSeconds.toFixed(1)} s CPU${part}, ${(n / s.cpuSeconds).toFixed(0)}/CPU s)`;
};

const sizesAt = args.indexOf('--sizes');
const sizes =
  sizesAt >= 0
    ? args[sizesAt + 1]!.split(',').map(Number)
    : quick
      ? [10_000]
      : huge
        ? [100_000, 1_000_000, 10_000_000]
        : [100_000, 1_000_000];
console.log(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')} (taken under that load)`,
);
const ref = series(REF, 2);
const rows: string[][] = [];
const record: { what: string; steps: number; normalcy: Speed; numpy?: Speed }[] = [];
for (const n of sizes) {
  const test = series(n, 1);
  const ours = timed(() => abJoin(test, ref, W, { normalization: 'znorm', flatStd: 1e-8 }));
  // NumPy beside it, on at most --numpy-max windows (its row loop in Python takes minutes
  // beyond 10^6; its cost per window does not grow with the series).
  const py = numpy(n, Math.min(n, numpyMax));
  const what = `AB-join, ${n.toExponential(0)} test steps x ${REF} reference, window ${W}`;
  record.push({ what, steps: n, normalcy: ours, ...(py && { numpy: py }) });
  rows.push([
    what,
    cell(n, ours),
    cell(n, py),
    py === undefined ? 'n/a' : (n / ours.cpuSeconds / ((py.steps ?? n) / py.cpuSeconds)).toFixed(2),
  ]);
  console.log(rows[rows.length - 1]!.join(' | '));
}
for (const n of abOnly ? [] : quick ? [5_000] : [100_000]) {
  const x = series(n, 3);
  const s = timed(() => selfJoin(x, W, W / 2, { normalization: 'znorm', flatStd: 1e-8 }));
  const what = `self-join, ${n.toExponential(0)} steps, window ${W}`;
  record.push({ what, steps: n, normalcy: s });
  rows.push([what, cell(n, s), 'n/a', 'n/a']);
  console.log(rows[rows.length - 1]!.join(' | '));
}
for (const n of abOnly ? [] : quick ? [20_000] : sizes) {
  const x = series(n, 4);
  let stats = { stoppedEarly: 0, scored: 0 };
  const s = timed(() => {
    const { detector } = scoreDampStream(x, { probation: 5000, config: { window: W } });
    stats = detector.stats;
  });
  const what = `DAMP streaming, ${n.toExponential(0)} rows, window ${W} (${((100 * stats.stoppedEarly) / Math.max(1, stats.scored)).toFixed(1)}% searches stopped early)`;
  record.push({ what, steps: n, normalcy: s });
  rows.push([what, cell(n, s), 'n/a', 'n/a']);
  console.log(rows[rows.length - 1]!.join(' | '));
}
console.log(
  `\nload average at the end: ${loadavg()
    .map((v) => v.toFixed(1))
    .join(
      ' ',
    )}\n\n| what | normalcy steps/s (CPU) | NumPy/SciPy steps/s (CPU) | normalcy / NumPy steps per CPU s |\n| --- | --- | --- | --- |`,
);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(JSON.stringify({ reference: REF, window: W, runs: record }));
