// Discord speed: test steps scored per second by the discord detector's exact AB-join
// (each test window against every window of a fixed 10^4-step reference, window 100),
// for 10^5, 10^6 (and 10^7 with --huge) test steps, beside a plain NumPy/SciPy
// implementation of the same algorithm (bench/discord_numpy.py) where python3 has numpy
// and scipy; plus the streaming DAMP detector's rows per second and the self-join.
// Usage: node dist/bench/discord-speed.js [--quick] [--huge] [--sizes 100000,1000000]
// The machine's load changes these numbers a lot: rerun on a quiet machine to quote them.
import { spawnSync } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { abJoin, selfJoin } from '../src/detectors/subsequence/matrix-profile.js';
import { scoreDampStream } from '../src/detectors/streaming/damp.js';
import { createRng } from '../src/data/random.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const huge = args.includes('--huge');
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

function numpy(n: number): number | undefined {
  const r = spawnSync(
    'python3',
    [
      new URL('../../bench/discord_numpy.py', import.meta.url).pathname,
      String(n),
      String(REF),
      String(W),
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
  return (JSON.parse(r.stdout) as { stepsPerSecond: number }).stepsPerSecond;
}

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
for (const n of sizes) {
  const test = series(n, 1);
  const t0 = performance.now();
  abJoin(test, ref, W, { normalization: 'znorm', flatStd: 1e-8 });
  const s = (performance.now() - t0) / 1000;
  // NumPy beside it up to 10^6 (its row loop in Python would take minutes beyond).
  const py = n <= 1_000_000 ? numpy(n) : undefined;
  rows.push([
    `AB-join, ${n.toExponential(0)} test steps x ${REF} reference, window ${W}`,
    (n / s).toFixed(0),
    py === undefined ? 'n/a' : py.toFixed(0),
    py === undefined ? 'n/a' : (n / s / py).toFixed(2),
  ]);
  console.log(rows[rows.length - 1]!.join(' | '));
}
for (const n of quick ? [5_000] : [100_000]) {
  const x = series(n, 3);
  const t0 = performance.now();
  selfJoin(x, W, W / 2, { normalization: 'znorm', flatStd: 1e-8 });
  const s = (performance.now() - t0) / 1000;
  rows.push([
    `self-join, ${n.toExponential(0)} steps, window ${W}`,
    (n / s).toFixed(0),
    'n/a',
    'n/a',
  ]);
  console.log(rows[rows.length - 1]!.join(' | '));
}
for (const n of quick ? [20_000] : sizes) {
  const x = series(n, 4);
  const t0 = performance.now();
  const { detector } = scoreDampStream(x, { probation: 5000, config: { window: W } });
  const s = (performance.now() - t0) / 1000;
  const st = detector.stats;
  rows.push([
    `DAMP streaming, ${n.toExponential(0)} rows, window ${W} (${((100 * st.stoppedEarly) / Math.max(1, st.scored)).toFixed(1)}% searches stopped early)`,
    (n / s).toFixed(0),
    'n/a',
    'n/a',
  ]);
  console.log(rows[rows.length - 1]!.join(' | '));
}
console.log(
  '\n| what | normalcy steps/s | NumPy/SciPy steps/s | ratio |\n| --- | --- | --- | --- |',
);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
