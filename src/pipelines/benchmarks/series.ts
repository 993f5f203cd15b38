// Series benchmark: the development harness behind the detectors' defaults. Every
// detector (with a few variants of the options being chosen) and `auto` are trained on
// normal data and scored on labelled series the project never tuned on:
//   - SMAP/MSL channels (telemanom): the telemetry value (column 0) of the train and
//     test files as given; labels only for scoring;
//   - NAB files: the probationary part (15%, at most 750 rows) as training data, the rest
//     as test; files with no window after the probation are left out.
// Metrics per series: AUC-PR (average precision), VUS-PR (buffers up to 100 steps) and
// the top-1 hit (the highest score within 100 steps of a labelled step). The series are
// split at random (seeded) into two halves, within each source: for each detector the
// variant with the best mean AUC-PR on half A is chosen, and reported on half B, so the
// choice is never scored on the series it was made on. Those halves have since both
// been seen (auto's normalisation was settled on B), so `--series-set holdout` runs every
// detector with its defaults on set C, series outside the development draw
// (series-selection.ts, series-holdout.ts).
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readSeries } from '../../data/read-series.js';
import { column, createSeries, sliceRows, type Series } from '../../data/series.js';
import { readTelemanomLabels } from '../../data/telemanom.js';
import { readNabCorpus } from '../../data/nab.js';
import { rangesToMask } from '../../data/ranges.js';
import { createRng, shuffleInPlace } from '../../data/random.js';
import {
  DEVELOPMENT_DRAW,
  HOLDOUT_PER_SOURCE,
  selectSeries,
  type SeriesSet,
} from './series-selection.js';
import { probationaryLength } from '../../metrics/nab/windows.js';
import { seriesMetrics, type SeriesMetrics } from '../../metrics/series-metrics.js';
import { createDetector } from '../../detectors/registry.js';
import type { AutoDetector } from '../../detectors/auto.js';
import { holdoutOutcome, holdoutVariants } from './series-holdout.js';
import { datasetDir, fmt, mdTable, type BenchContext, type BenchOutcome } from './run-record.js';

export interface SeriesCase {
  name: string;
  source: 'smap' | 'msl' | 'nab';
  train: Series;
  test: Series;
  labels: Uint8Array;
}

export interface SeriesVariant {
  /** The detector family the choice is made within. */
  family: string;
  label: string;
  detector: string;
  config: Record<string, unknown>;
}

/** The variants scored: each detector's defaults, plus the options whose default is chosen here. */
export function seriesVariants(quick: boolean): SeriesVariant[] {
  const epochs = quick ? 1 : 2;
  const v = (
    family: string,
    label: string,
    detector: string,
    config: Record<string, unknown> = {},
  ) => ({
    family,
    label,
    detector,
    config,
  });
  return [
    v('discord', 'discord (znorm, align max)', 'discord', {
      normalization: 'znorm',
      alignment: 'max',
    }),
    v('discord', 'discord (znorm, align centre)', 'discord', {
      normalization: 'znorm',
      alignment: 'centre',
    }),
    v('discord', 'discord (znorm, align mean)', 'discord', {
      normalization: 'znorm',
      alignment: 'mean',
    }),
    v('discord', 'discord (mean-centred, align max)', 'discord', {
      normalization: 'mean',
      alignment: 'max',
    }),
    v('pca', 'pca (align mean)', 'pca', { alignment: 'mean' }),
    v('pca', 'pca (align max)', 'pca', { alignment: 'max' }),
    v('pca', 'pca (align centre)', 'pca', { alignment: 'centre' }),
    v('knn', 'knn', 'knn'),
    v('isolation-forest', 'isolation-forest', 'isolation-forest'),
    v('rolling-zscore', 'rolling-zscore', 'rolling-zscore'),
    v('autoencoder', `autoencoder (${epochs} epochs)`, 'autoencoder', { epochs }),
    v('forecaster', `forecaster (${epochs} epochs)`, 'forecaster', { epochs }),
    // auto with its defaults (the fixed discord + pca ensemble, chosen on half A).
    v('auto', 'auto', 'auto'),
  ];
}

/**
 * The harness's series: `perSource` channels per spacecraft and twice as many NAB files,
 * of the development draw or of the holdout set (see SERIES_SETS).
 */
export function loadSeriesCases(
  ctx: BenchContext,
  perSource: number,
  set: SeriesSet = 'development',
): SeriesCase[] {
  const cases: SeriesCase[] = [];
  const smapRoot = datasetDir(ctx.dataDir, 'smap_msl', 'labeled_anomalies.csv');
  const labels = readTelemanomLabels(join(smapRoot, 'labeled_anomalies.csv'));
  // One case per channel (a channel with several label rows gets all their ranges).
  const byChannel = new Map<string, { spacecraft: string; ranges: [number, number][] }>();
  for (const l of labels) {
    const e = byChannel.get(l.channel) ?? { spacecraft: l.spacecraft, ranges: [] };
    for (const [start, end] of l.ranges) e.ranges.push([start, end]);
    byChannel.set(l.channel, e);
  }
  const craftChannels = (craft: string) =>
    [...byChannel.keys()].filter((k) => byChannel.get(k)!.spacecraft === craft).sort();
  const nabRoot = datasetDir(ctx.dataDir, 'nab', join('labels', 'combined_windows.json'));
  const nabFiles = readNabCorpus(nabRoot);
  const nabByName = new Map(nabFiles.map((f) => [f.name, f]));
  const probation = (length: number) => Math.max(1, Math.floor(probationaryLength(length)));
  const nabMask = (f: (typeof nabFiles)[number]) =>
    rangesToMask(f.windows, f.series.length).subarray(probation(f.series.length));
  const { chosen } = selectSeries(
    { smap: craftChannels('SMAP'), msl: craftChannels('MSL'), nab: nabFiles.map((f) => f.name) },
    (name) => nabMask(nabByName.get(name)!).some((v) => v === 1),
    set,
    ctx.seed,
    perSource,
  );
  for (const craft of ['SMAP', 'MSL'] as const) {
    const names = craft === 'SMAP' ? chosen.smap : chosen.msl;
    for (const name of [...names].sort()) {
      const trainPath = join(smapRoot, 'train', `${name}.npy.gz`);
      if (!existsSync(trainPath)) continue;
      const train = readSeries(trainPath);
      const test = readSeries(join(smapRoot, 'test', `${name}.npy.gz`));
      const one = (s: Series) => createSeries({ data: column(s, 0), channels: 1 });
      const mask = rangesToMask(
        byChannel
          .get(name)!
          .ranges.map(([start, end]) => [start, Math.min(end, test.length - 1)] as const),
        test.length,
      );
      cases.push({
        name,
        source: craft === 'SMAP' ? 'smap' : 'msl',
        train: one(train),
        test: one(test),
        labels: mask,
      });
    }
  }
  for (const name of chosen.nab) {
    const f = nabByName.get(name)!;
    const p = probation(f.series.length);
    const strip = (s: Series) => createSeries({ data: s.data, channels: s.channels });
    cases.push({
      name: f.name,
      source: 'nab',
      train: strip(sliceRows(f.series, 0, p)),
      test: strip(sliceRows(f.series, p)),
      labels: Uint8Array.from(nabMask(f)),
    });
  }
  if (ctx.quick)
    for (const c of cases) {
      const n = Math.min(c.test.length, 3000);
      // Keep a stretch holding the first labelled step.
      const first = c.labels.indexOf(1);
      const start = Math.max(0, Math.min(first - Math.floor(n / 2), c.test.length - n));
      c.test = sliceRows(c.test, start, start + n);
      c.labels = c.labels.slice(start, start + n);
      c.train = sliceRows(c.train, 0, Math.min(c.train.length, 3000));
    }
  return cases;
}

/** One detector variant on one series; `half` is A or B (development) or C (holdout). */
export interface SeriesRow {
  variant: string;
  family: string;
  series: string;
  half: 'A' | 'B' | 'C';
  metrics?: SeriesMetrics;
  seconds: number;
  error?: string;
  chose?: string;
}

export function meanMetric(rows: SeriesRow[], key: keyof SeriesMetrics): number {
  const ok = rows.filter((r) => r.metrics);
  return ok.length ? ok.reduce((a, r) => a + r.metrics![key], 0) / ok.length : NaN;
}

/** Halves A and B within each source, at random (seeded). */
export function seriesHalves(cases: SeriesCase[], seed: number): Map<string, 'A' | 'B'> {
  const rng = createRng(seed + 1);
  const half = new Map<string, 'A' | 'B'>();
  for (const source of ['smap', 'msl', 'nab']) {
    const names = shuffleInPlace(
      cases.filter((c) => c.source === source).map((c) => c.name),
      rng,
    );
    names.forEach((n, i) => half.set(n, i % 2 === 0 ? 'A' : 'B'));
  }
  return half;
}

/** Channels per spacecraft (NAB files: twice as many): $NORMALCY_SERIES_PER_SOURCE, else the set's own. */
function perSourceFor(ctx: BenchContext, set: SeriesSet): number {
  if (ctx.quick) return 1;
  const env = process.env.NORMALCY_SERIES_PER_SOURCE;
  if (env === undefined) return set === 'holdout' ? HOLDOUT_PER_SOURCE : DEVELOPMENT_DRAW.perSource;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `NORMALCY_SERIES_PER_SOURCE must be a whole number of at least 1, got '${env}'`,
    );
  return n;
}

export async function runSeries(ctx: BenchContext): Promise<BenchOutcome> {
  const set = ctx.seriesSet ?? 'development';
  const perSource = perSourceFor(ctx, set);
  if (
    set === 'development' &&
    ctx.seed === DEVELOPMENT_DRAW.seed &&
    perSource > DEVELOPMENT_DRAW.perSource
  )
    ctx.log(
      `series: warning: ${perSource} per source at seed ${ctx.seed} takes series of the holdout set (the defaults were chosen on ${DEVELOPMENT_DRAW.perSource}); do not choose defaults on this run`,
    );
  const cases = loadSeriesCases(ctx, perSource, set);
  const half =
    set === 'holdout'
      ? new Map(cases.map((c) => [c.name, 'C' as const]))
      : seriesHalves(cases, ctx.seed);
  const variants = set === 'holdout' ? holdoutVariants(ctx.quick) : seriesVariants(ctx.quick);
  const only = process.env.NORMALCY_SERIES_DETECTORS?.split(',');
  const rows: SeriesRow[] = [];
  for (const c of cases) {
    for (const v of variants) {
      if (only && !only.includes(v.family)) continue;
      const t0 = performance.now();
      const row: SeriesRow = {
        variant: v.label,
        family: v.family,
        series: c.name,
        half: half.get(c.name)!,
        seconds: 0,
      };
      try {
        const d = createDetector(v.detector, v.config);
        await d.fit(c.train, { seed: ctx.seed });
        const s = d.score(c.test);
        row.metrics = seriesMetrics(s, c.labels);
        if (v.detector === 'auto')
          row.chose = (d as AutoDetector).choice!.members.map((m) => m.label).join(' + ');
      } catch (err) {
        row.error = (err as Error).message;
      }
      row.seconds = (performance.now() - t0) / 1000;
      rows.push(row);
      ctx.log(
        `series ${c.name} ${v.label}: ${row.metrics ? `AUC-PR ${fmt(row.metrics.aucPr, 3)} VUS-PR ${fmt(row.metrics.vusPr, 3)} top-1 ${row.metrics.top1}` : `failed: ${row.error}`}${row.chose ? ` (chose ${row.chose})` : ''} (${row.seconds.toFixed(1)} s)`,
      );
    }
  }
  if (set === 'holdout') return holdoutOutcome(ctx, cases, rows, perSource);
  const labels = [...new Set(rows.map((r) => r.variant))];
  const summary = labels.map((label) => {
    const mine = rows.filter((r) => r.variant === label);
    const a = mine.filter((r) => r.half === 'A');
    const b = mine.filter((r) => r.half === 'B');
    return {
      variant: label,
      family: mine[0]!.family,
      A: {
        aucPr: meanMetric(a, 'aucPr'),
        vusPr: meanMetric(a, 'vusPr'),
        top1: meanMetric(a, 'top1'),
        series: a.length,
      },
      B: {
        aucPr: meanMetric(b, 'aucPr'),
        vusPr: meanMetric(b, 'vusPr'),
        top1: meanMetric(b, 'top1'),
        series: b.length,
      },
      failures: mine.filter((r) => r.error).length,
      seconds: mine.reduce((s, r) => s + r.seconds, 0),
    };
  });
  // Per family: the variant with the best mean AUC-PR on half A, reported on half B.
  const families = [...new Set(summary.map((s) => s.family))];
  const chosen = families.map((family) => {
    const options = summary.filter((s) => s.family === family);
    const best = options.reduce((x, y) => ((y.A.aucPr || 0) > (x.A.aucPr || 0) ? y : x));
    return { family, variant: best.variant, A: best.A, B: best.B };
  });
  const table =
    (key: 'A' | 'B') => (s: { A: (typeof summary)[0]['A']; B: (typeof summary)[0]['B'] }) => [
      fmt(s[key].aucPr, 3),
      fmt(s[key].vusPr, 3),
      fmt(s[key].top1, 2),
    ];
  const head = ['A AUC-PR', 'A VUS-PR', 'A top-1', 'B AUC-PR', 'B VUS-PR', 'B top-1'];
  const markdown = [
    `All variants (half A: ${summary[0]?.A.series ?? 0} series, half B: ${summary[0]?.B.series ?? 0}):`,
    '',
    mdTable(
      ['variant', ...head, 'seconds'],
      summary.map((s) => [s.variant, ...table('A')(s), ...table('B')(s), s.seconds.toFixed(0)]),
    ),
    '',
    'Chosen on half A (best mean AUC-PR), reported on half B:',
    '',
    mdTable(
      ['detector', 'chosen variant', ...head],
      chosen.map((c) => [c.family, c.variant, ...table('A')(c), ...table('B')(c)]),
    ),
  ].join('\n');
  return {
    title: 'Series harness: every detector and auto on SMAP/MSL channels and NAB files',
    protocol: [
      `Series: ${cases.length} (${cases.filter((c) => c.source === 'smap').length} SMAP, ${cases.filter((c) => c.source === 'msl').length} MSL channels: column 0 of train/test as given; ${cases.filter((c) => c.source === 'nab').length} NAB files: the probationary rows train, the rest test), drawn with seed ${ctx.seed} (the development set: the first of the seeded order; the defaults were chosen on seed ${DEVELOPMENT_DRAW.seed}, ${DEVELOPMENT_DRAW.perSource} per source)${ctx.quick ? '; quick: test parts cut to 3,000 steps around the first label, training to 3,000' : ''}.`,
      'Metrics per series: AUC-PR (average precision), VUS-PR (buffers 0..100 steps), top-1 hit (highest score within 100 steps of a labelled step); means per half.',
      'Halves: the series of each source split at random (seeded) into A and B. For each detector, the variant with the best mean AUC-PR on A is chosen and reported on B.',
      'Training: detectors with their defaults except the option varied; the autoencoder and forecaster train for 2 epochs (1 in quick); auto with its defaults. Labels are used for scoring only.',
    ],
    results: {
      set,
      perSource,
      cases: cases.map((c) => ({
        name: c.name,
        source: c.source,
        half: half.get(c.name),
        train: c.train.length,
        test: c.test.length,
      })),
      summary,
      chosen,
      rows,
    },
    published: { source: 'none: a development harness, the numbers are ours only' },
    markdown,
    headline: Object.fromEntries(
      chosen.map((c) => [
        c.family,
        { variant: c.variant, A: c.A.aucPr, B: c.B.aucPr, topB: c.B.top1 },
      ]),
    ),
  };
}
