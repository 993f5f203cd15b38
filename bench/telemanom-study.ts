// Beyond telemanom on a smap-msl run's saved errors (errors/<chan>.npy), without
// retraining: the grid of src/pipelines/telemanom-study.ts (error smoothing,
// pruning, minimum peak error, the alarms layer's merge gap, minimum length and
// hysteresis), each variant counted as telemanom counts; the variant chosen on
// SMAP is reported on MSL and the one chosen on MSL on SMAP, so no reported
// number was chosen with its own test labels.
// With --with <other runs' --out dirs, comma-separated> (other models or seeds on the
// same rows) it studies instead the union of all runs' flagged ranges and the threshold
// on their mean error (an ensemble) against the first run alone.
// Usage: node dist/bench/telemanom-study.js --results <smap-msl --out dir>
//          [--with <dir>[,<dir>...]] [--data-dir ../shared/datasets] [--window 250] [--horizon 10]
// Writes <results>/study.json and <results>/study.md (with --with: union-study.*) and
// prints the tables.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../src/data/npy.js';
import { readSeries } from '../src/data/read-series.js';
import { readTelemanomLabels } from '../src/data/telemanom.js';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import {
  datasetDir,
  defaultDataDir,
  fmt,
  mdTable,
} from '../src/pipelines/benchmarks/run-record.js';
import {
  BASELINE_VARIANT,
  chooseAndReport,
  crossTotal,
  evaluateVariants,
  studyGrid,
  UNION_VARIANT,
  MEAN_VARIANT,
  type CrossChoice,
  type GroupCounts,
  type StudyRow,
} from '../src/pipelines/telemanom-study.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const resultsDir = arg('--results');
if (!resultsDir) {
  process.stderr.write(
    'usage: telemanom-study --results <smap-msl --out dir> [--with <dir>[,<dir>...]] [--data-dir dir]\n',
  );
  process.exit(2);
}
const partnerDirs = arg('--with')
  ?.split(',')
  .map((d) => d.trim())
  .filter((d) => d !== '');
const partnerDir = partnerDirs?.length ? partnerDirs.join(', ') : undefined;
// A directory without errors/ is not a smap-msl run: say so before reading anything.
for (const [flag, dir] of [
  ['--results', resultsDir],
  ...(partnerDirs ?? []).map((d) => ['--with', d]),
] as const)
  if (!existsSync(join(dir, 'errors'))) {
    process.stderr.write(
      `telemanom-study: ${flag} ${dir}: no errors/ folder there (not a bench smap-msl --out directory)\n`,
    );
    process.exit(2);
  }
const window = Number(arg('--window') ?? 250);
const horizon = Number(arg('--horizon') ?? 10);
const root = datasetDir(arg('--data-dir') ?? defaultDataDir(), 'smap_msl', 'labeled_anomalies.csv');
const labels = readTelemanomLabels(join(root, 'labeled_anomalies.csv'));

const rows: StudyRow[] = [];
const missing: string[] = [];
for (const label of labels) {
  const path = join(resultsDir, 'errors', `${label.channel}.npy`);
  const partnerPaths = (partnerDirs ?? []).map((d) => join(d, 'errors', `${label.channel}.npy`));
  if (!existsSync(path) || partnerPaths.some((p) => !existsSync(p))) {
    missing.push(label.channel);
    continue;
  }
  rows.push({
    channel: label.channel,
    group: label.spacecraft,
    labelled: label.ranges,
    errors: readNpy(path).data as Float32Array,
    test: readSeries(join(root, 'test', `${label.channel}.npy.gz`)),
    layout: { start: window, horizon, window },
    // telemanom leaves C-2's start unflattened, as the benchmark does.
    ...(label.channel === 'C-2' && { fixed: { flattenFirst: 0 } }),
    ...(partnerPaths.length > 0 && {
      partnerErrors: partnerPaths.map((p) => readNpy(p).data as Float32Array),
    }),
  });
}
if (missing.length > 0)
  process.stderr.write(
    `no errors for ${missing.length} label rows: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}\n`,
  );

const variants = partnerDir ? [BASELINE_VARIANT, UNION_VARIANT, MEAN_VARIANT] : studyGrid();
const t0 = performance.now();
const results = evaluateVariants(rows, variants);
const seconds = (performance.now() - t0) / 1000;
const smapToMsl = chooseAndReport(results, variants, 'SMAP', 'MSL');
const mslToSmap = chooseAndReport(results, variants, 'MSL', 'SMAP');
const cross = crossTotal(smapToMsl, mslToSmap);
const baseline = results.get(BASELINE_VARIANT.name)!;

// The baseline must give the run's own counts (same errors, same threshold).
const runFile = join(resultsDir, 'results.json');
const runTotal = existsSync(runFile)
  ? (
      JSON.parse(readFileSync(runFile, 'utf8')) as {
        results: { summary: Record<string, GroupCounts> };
      }
    ).results.summary.total
  : undefined;
const sameAsRun =
  runTotal === undefined
    ? 'no results.json to compare with'
    : runTotal.tp === baseline.total!.tp &&
        runTotal.fp === baseline.total!.fp &&
        runTotal.fn === baseline.total!.fn
      ? "the run's own counts"
      : `DIFFERS from the run's ${runTotal.tp}/${runTotal.fp}/${runTotal.fn}`;

const counts = (c: GroupCounts | undefined) =>
  c
    ? `${c.tp}/${c.fp}/${c.fn} P ${fmt(c.precision, 3)} R ${fmt(c.recall, 3)} F1 ${fmt(c.f1, 3)}`
    : 'n/a';
const choiceRow = (c: CrossChoice) => [
  c.chosenOn,
  c.variant,
  counts(c.baselineOnChosen),
  counts(c.onChosen),
  c.reportedOn,
  counts(c.baselineOnReported),
  counts(c.onReported),
];
// The best few on each group, to show how far a choice carries over.
const top = (group: string, other: string, n = 5) =>
  [...results.entries()]
    .sort((a, b) => (b[1][group]?.f1 ?? 0) - (a[1][group]?.f1 ?? 0))
    .slice(0, n)
    .map(([name, r]) => [group, name, counts(r[group]), other, counts(r[other])]);

const md = [
  `# telemanom beyond its own settings, on the saved errors of ${resultsDir}${partnerDir ? ` and of ${partnerDir} (partner runs)` : ''}`,
  '',
  `${rows.length} label rows (${missing.length} without errors), ${variants.length} variants, ${seconds.toFixed(0)} s. Counts TP/FP/FN as telemanom credits them.`,
  '',
  `Baseline (telemanom's settings): SMAP ${counts(baseline.SMAP)}; MSL ${counts(baseline.MSL)}; total ${counts(baseline.total)} (${sameAsRun}).`,
  '',
  mdTable(
    [
      'chosen on',
      'variant',
      'baseline there',
      'chosen there',
      'reported on',
      'baseline there',
      'chosen there',
    ],
    [choiceRow(smapToMsl), choiceRow(mslToSmap)],
  ),
  '',
  `Total with each spacecraft's counts from the variant chosen on the other: ${counts(cross)} (baseline ${counts(baseline.total)}).`,
  '',
  'Best five variants on each spacecraft, with the other one beside:',
  '',
  mdTable(
    ['on', 'variant', 'counts', 'other', 'counts there'],
    [...top('SMAP', 'MSL'), ...top('MSL', 'SMAP')],
  ),
  '',
].join('\n');

// A union study is its own file: the grid's results stay.
const stem = partnerDir ? 'union-study' : 'study';
writeFileAtomic(
  join(resultsDir, `${stem}.json`),
  `${JSON.stringify(
    {
      rows: rows.length,
      ...(partnerDir && { partner: partnerDir }),
      missing,
      seconds,
      baseline,
      smapToMsl,
      mslToSmap,
      crossTotal: cross,
      variants: Object.fromEntries(results),
    },
    null,
    1,
  )}\n`,
);
writeFileAtomic(join(resultsDir, `${stem}.md`), md);
process.stdout.write(md);
