// Peak memory of `normalcy score` against input length (a script, not a test).
// Trains one small model on 10^4 rows of a noisy sine, then scores one-column
// CSV files of 10^5, 10^6 and 10^7 rows (sizes as arguments), each in its own
// process, and prints the peak RSS (getrusage maxrss) of each run and the ratio of
// the largest to the smallest. Goal: flat within 20%.
//   node dist/bench/score-memory.js [rows ...] [--detector forecaster] [--network dense]
//     [--measure score|train]
// `--measure train` runs `train` on the files of each size instead (one epoch).
// Set NORMALCY_MMAP_THRESHOLD=0 to run with glibc's dynamic mmap threshold, and
// NORMALCY_CHUNK_ROWS to change the rows per chunk of streamed scoring (a value above
// the largest size scores every file whole, as before streaming).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/version.js';
import { createRng } from '../src/data/random.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1]! : fallback;
};
const detector = flag('--detector', 'forecaster');
const network = flag('--network', 'lstm');
const measure = flag('--measure', 'score');
if (measure !== 'score' && measure !== 'train') throw new Error('--measure is score or train');
const sizes = args.length > 0 ? args.map(Number) : [1e5, 1e6, 1e7];
const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'normalcy-score-memory-'));

/** A one-column CSV of a noisy sine, written in blocks. */
function writeSeries(path: string, rows: number, seed: number): void {
  const rng = createRng(seed);
  const fd = openSync(path, 'w');
  writeSync(fd, 'value\n');
  for (let start = 0; start < rows; start += 100_000) {
    let text = '';
    for (let i = start; i < Math.min(rows, start + 100_000); i++)
      text += `${(Math.sin(i / 10) + 0.05 * (rng.next() - 0.5)).toFixed(5)}\n`;
    writeSync(fd, text);
  }
  closeSync(fd);
}

/** Runs the CLI in a child that reports its peak RSS (KiB) on exit. */
function run(cliArgs: string[]): { seconds: number; peakMb: number } {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'data:text/javascript,process.on("exit",()=>process.stderr.write("PEAK_RSS_KB "+process.resourceUsage().maxRSS+"\\n"))',
      cli,
      ...cliArgs,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`normalcy ${cliArgs.join(' ')} failed: ${r.stderr}`);
  const kb = Number(/PEAK_RSS_KB (\d+)/.exec(r.stderr)?.[1]);
  return { seconds: (performance.now() - t0) / 1000, peakMb: kb / 1024 };
}

try {
  const train = join(dir, 'train.csv');
  writeSeries(train, 10_000, 1);
  const model = join(dir, 'model');
  // Networks and epochs only for the neural detectors; the baselines take a window.
  const neural = detector === 'forecaster' || detector === 'autoencoder';
  const trainArgs = (data: string, out: string) => [
    'train',
    '--detector',
    detector,
    ...(neural ? ['--network', network, '--epochs', '1'] : []),
    '--window',
    '25',
    '--data',
    data,
    '--out',
    out,
  ];
  const trained = run(trainArgs(train, model));
  console.log(
    `trained ${detector}${neural ? ` (${network})` : ''} in ${trained.seconds.toFixed(1)} s, peak ${trained.peakMb.toFixed(0)} MB`,
  );
  console.log(
    `NORMALCY_MMAP_THRESHOLD=${process.env.NORMALCY_MMAP_THRESHOLD ?? '(default)'} NORMALCY_CHUNK_ROWS=${process.env.NORMALCY_CHUNK_ROWS ?? '(default)'}; measuring ${measure}`,
  );
  const results: { rows: number; peakMb: number; seconds: number }[] = [];
  for (const rows of sizes) {
    const data = join(dir, `series-${rows}.csv`);
    writeSeries(data, rows, 2);
    const mb = statSync(data).size / 2 ** 20;
    const r =
      measure === 'train'
        ? run(trainArgs(data, join(dir, `model-${rows}`)))
        : run(['score', '--model', model, '--data', data, '--out', join(dir, 'scores.csv')]);
    results.push({ rows, ...r });
    console.log(
      `${rows.toExponential(0)} rows (${mb.toFixed(0)} MB CSV): peak RSS ${r.peakMb.toFixed(0)} MB, ${r.seconds.toFixed(1)} s`,
    );
    rmSync(data);
  }
  const peaks = results.map((r) => r.peakMb);
  const ratio = Math.max(...peaks) / Math.min(...peaks);
  console.log(`largest / smallest peak: ${ratio.toFixed(2)} (goal <= 1.20)`);
  console.log(JSON.stringify({ measure, detector, network, results, ratio }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
