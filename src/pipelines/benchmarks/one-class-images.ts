// One-class image benchmarks (MNIST, Fashion-MNIST, CIFAR-10): for each normal class and
// seed, every registered image detector (registry entries whose conformance data is
// 'images') is trained on that class's images only and scores a test set where every other
// class is anomalous; AUC-ROC per class as mean and std over the seeds, beside the published
// numbers, with the wall time per run. Detectors with a `reconstructionError` method (the
// autoencoder of cae-ocsvm) are also scored by it, from the same training run.
//
// Protocols: the full one (train on the class's training images, test on the whole test
// set) where training images are present; CIFAR-10's shared folder holds only the test
// split, so there the development protocol runs: a seeded share of the class's test images
// trains, the rest of them plus all other classes' test images are scored.
import type { Series } from '../../data/series.js';
import { detectorEntry, detectorNames } from '../../detectors/registry.js';
import type { Detector } from '../../detectors/detector.js';
import { rocAuc } from '../../metrics/roc.js';
import { averagePrecision } from '../../metrics/pr.js';
import { ConfigError } from '../../config/errors.js';
import {
  fmt,
  mdTable,
  type BenchContext,
  type BenchOutcome,
  type ImageBenchOptions,
} from './run-record.js';
import {
  PUBLISHED,
  fashionDir,
  loadCifar10,
  loadMnistLike,
  mnistDir,
  oneClassSplit,
  type ImageBenchData,
  type SplitOptions,
} from './image-datasets.js';

/** The detectors the image benchmarks run: every registry entry tested on images. */
export function imageDetectorNames(): string[] {
  return detectorNames().filter((n) => detectorEntry(n).conformance.data === 'images');
}

/** One detector's config on a dataset: its defaults (quick: its small conformance config). */
export function benchConfig(
  name: string,
  shape: readonly [number, number, number],
  o: { quick: boolean; epochs?: number; set?: Record<string, Record<string, unknown>> },
): Record<string, unknown> {
  const e = detectorEntry(name);
  return {
    ...(o.quick ? e.conformance.config : {}),
    ...('imageShape' in e.schema ? { imageShape: [...shape] } : {}),
    ...(o.epochs !== undefined && 'epochs' in e.schema ? { epochs: o.epochs } : {}),
    // Pre-training (deep-svdd) is capped by the same number, so --epochs bounds a whole run.
    ...(o.epochs !== undefined && 'pretrainEpochs' in e.schema
      ? {
          pretrainEpochs: Math.min(
            o.epochs,
            (e.defaults as { pretrainEpochs: number }).pretrainEpochs,
          ),
        }
      : {}),
    ...o.set?.[name],
  };
}

interface Run {
  detector: string;
  classIndex: number;
  seed: number;
  aucRoc: number;
  aucPr: number;
  trainImages: number;
  testImages: number;
  fitSeconds: number;
  scoreSeconds: number;
  finalLoss?: number;
}

interface Summary {
  mean: number;
  std: number;
}

function meanStd(values: readonly number[]): Summary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sq = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  // Sample std over seeds (n - 1), 0 for one seed.
  return { mean, std: values.length > 1 ? Math.sqrt(sq / (values.length - 1)) : 0 };
}

interface ReconstructingDetector extends Detector {
  reconstructionError(x: Series): Float32Array;
}

const hasReconstruction = (d: Detector): d is ReconstructingDetector =>
  typeof (d as Partial<ReconstructingDetector>).reconstructionError === 'function';

async function runDetector(
  name: string,
  config: Record<string, unknown>,
  split: ReturnType<typeof oneClassSplit>,
  classIndex: number,
  seed: number,
): Promise<Run[]> {
  const d = detectorEntry(name).create(config);
  const t0 = performance.now();
  const summary = await d.fit(split.train, { seed });
  const t1 = performance.now();
  const scores = d.score(split.test);
  const t2 = performance.now();
  const base = {
    classIndex,
    seed,
    trainImages: split.train.length,
    testImages: split.test.length,
    fitSeconds: (t1 - t0) / 1000,
    finalLoss: summary.finalLoss,
  };
  const runs: Run[] = [
    {
      ...base,
      detector: name,
      aucRoc: rocAuc(scores, split.labels),
      aucPr: averagePrecision(scores, split.labels),
      scoreSeconds: (t2 - t1) / 1000,
    },
  ];
  if (hasReconstruction(d)) {
    const rec = d.reconstructionError(split.test);
    runs.push({
      ...base,
      detector: `${name} (reconstruction error)`,
      aucRoc: rocAuc(rec, split.labels),
      aucPr: averagePrecision(rec, split.labels),
      scoreSeconds: (performance.now() - t2) / 1000,
    });
  }
  return runs;
}

function checkOptions(o: ImageBenchOptions, set: BenchContext['set'], data: ImageBenchData): void {
  const known = imageDetectorNames();
  for (const d of o.detectors ?? []) {
    if (!known.includes(d))
      throw new ConfigError(
        `--detectors: '${d}' is not an image detector (known: ${known.join(', ')})`,
      );
  }
  for (const d of Object.keys(set ?? {})) {
    if (!known.includes(d))
      throw new ConfigError(`--set: '${d}' is not an image detector (known: ${known.join(', ')})`);
  }
  if (o.holdout && !data.train)
    throw new ConfigError(
      `--holdout: ${data.title} has no training split here (${data.source}); it needs one to hold the test split out`,
    );
  for (const k of o.classes ?? []) {
    if (!Number.isInteger(k) || k < 0 || k >= data.names.length)
      throw new ConfigError(
        `--classes: ${k} is not a class of ${data.title} (0..${data.names.length - 1})`,
      );
  }
}

/** Anomalies scored per class and seed with --holdout. */
const HOLDOUT_ANOMALIES = 2000;

async function runOneClass(ctx: BenchContext, given: ImageBenchData): Promise<BenchOutcome> {
  const o = ctx.images ?? {};
  checkOptions(o, ctx.set, given);
  // --holdout: the training split plays the test split's part in the development protocol.
  const data: ImageBenchData =
    o.holdout && given.train
      ? {
          ...given,
          train: undefined,
          test: given.train,
          source: `${given.source}, training split only`,
        }
      : given;
  const classes = o.classes ?? (ctx.quick ? [0, 1] : data.names.map((_, i) => i));
  const seedCount = o.seeds ?? (ctx.quick ? 1 : 3);
  const seeds = Array.from({ length: seedCount }, (_, i) => ctx.seed + i);
  const detectors = o.detectors ?? imageDetectorNames();
  const split: SplitOptions = {
    maxTrain: o.maxTrain ?? (ctx.quick ? 200 : Infinity),
    trainShare: o.trainShare ?? 0.8,
    // Holdout: a seeded sample of the other classes' training images keeps scoring affordable.
    maxAnomalies: ctx.quick ? 600 : o.holdout ? HOLDOUT_ANOMALIES : Infinity,
  };
  const protocolName = o.holdout ? 'holdout' : data.train ? 'full' : 'development';
  const runs: Run[] = [];
  for (const k of classes) {
    for (const seed of seeds) {
      const s = oneClassSplit(data, k, seed, split);
      for (const name of detectors) {
        const config = benchConfig(name, data.shape, {
          quick: ctx.quick,
          epochs: o.epochs,
          set: ctx.set,
        });
        const got = await runDetector(name, config, s, k, seed);
        runs.push(...got);
        const wall = got[0]!.fitSeconds + got[0]!.scoreSeconds;
        ctx.log(
          `${data.key} class ${k} (${data.names[k]}) seed ${seed}: ${got.map((r) => `${r.detector} ${fmt(r.aucRoc)}`).join(', ')} (${s.train.length} training images, ${wall.toFixed(1)} s)`,
        );
      }
    }
  }

  const variants = [...new Set(runs.map((r) => r.detector))];
  const perClass: Record<string, Record<string, unknown>> = {};
  const cell = (variant: string, k: number) => {
    const rs = runs.filter((r) => r.detector === variant && r.classIndex === k);
    return {
      aucRoc: meanStd(rs.map((r) => r.aucRoc)),
      aucPr: meanStd(rs.map((r) => r.aucPr)),
      wallSeconds: meanStd(rs.map((r) => r.fitSeconds + r.scoreSeconds)),
      seeds: rs.map((r) => r.seed),
      trainImages: rs[0]!.trainImages,
      testImages: rs[0]!.testImages,
    };
  };
  for (const k of classes)
    perClass[String(k)] = Object.fromEntries(variants.map((v) => [v, cell(v, k)]));
  const meanOver = (variant: string) =>
    classes.reduce((a, k) => a + cell(variant, k).aucRoc.mean, 0) / classes.length;
  const means = Object.fromEntries(variants.map((v) => [v, meanOver(v)]));

  const published = PUBLISHED[data.key];
  const pct = (s: Summary) => `${fmt(100 * s.mean, 1)} ± ${fmt(100 * s.std, 1)}`;
  const publishedCell = (p: (typeof published)[number], k: number) =>
    p.perClass ? p.perClass[k]!.toFixed(1) : '';
  const publishedMean = (p: (typeof published)[number]) =>
    p.perClass && classes.length < data.names.length
      ? (classes.reduce((a, k) => a + p.perClass![k]!, 0) / classes.length).toFixed(1)
      : p.mean.toFixed(1);
  const aucRows = classes.map((k) => [
    `${k} (${data.names[k]})`,
    ...variants.map((v) => pct(cell(v, k).aucRoc)),
    ...published.map((p) => publishedCell(p, k)),
  ]);
  aucRows.push([
    `mean of ${classes.length}`,
    ...variants.map((v) => fmt(100 * means[v]!, 1)),
    ...published.map(publishedMean),
  ]);
  const wallRows = classes.map((k) => [
    `${k} (${data.names[k]})`,
    ...detectors.map((v) => {
      const w = cell(v, k).wallSeconds;
      return `${w.mean.toFixed(1)} ± ${w.std.toFixed(1)}`;
    }),
    String(cell(detectors[0]!, k).trainImages),
    String(cell(detectors[0]!, k).testImages),
  ]);
  const configs = Object.fromEntries(
    detectors.map((n) => [
      n,
      benchConfig(n, data.shape, { quick: ctx.quick, epochs: o.epochs, set: ctx.set }),
    ]),
  );

  return {
    title: `${data.title} one-class: ${detectors.join(', ')}`,
    protocol: [
      data.train
        ? `Full protocol: for each class, each detector trained on that class's training images only${Number.isFinite(split.maxTrain) ? ` (at most ${split.maxTrain})` : ''}; test on the whole test set${ctx.quick ? ` (quick: ${split.maxAnomalies} anomalies sampled)` : ''}, that class labelled normal and every other class anomalous.`
        : `Development protocol (${data.source}${o.holdout ? '; --holdout: the test split is not read' : ' holds the test split only'}): for each class and seed, a seeded ${Math.round(100 * split.trainShare)}% of that class's ${o.holdout ? 'training' : 'test'} images${Number.isFinite(split.maxTrain) ? ` (at most ${split.maxTrain})` : ''} train each detector; the other ${Math.round(100 * (1 - split.trainShare))}% (normal) and ${Number.isFinite(split.maxAnomalies) ? `a seeded sample of ${split.maxAnomalies}` : 'all'} other classes' ${o.holdout ? 'training' : 'test'} images (anomalous) are scored. Not the published protocol: comparable in kind, not digit for digit.`,
      `Classes ${classes.join(', ')}; seeds ${seeds.join(', ')} (the seed draws the network's initial weights, the shuffles and, on the development protocol, the split); AUC-ROC mean ± sample std over the seeds, in percent. Labels are used only for the AUC.`,
      `Detectors and configs (registry defaults${ctx.quick ? ' (quick: the small conformance configs)' : ''}, imageShape of the data${o.epochs !== undefined ? `, epochs ${o.epochs}` : ''}): ${detectors.map((n) => `${n} ${JSON.stringify(configs[n])}`).join('; ')}. '(reconstruction error)' rows: the same trained autoencoder scored by its mean squared reconstruction error.`,
      `Published: ${published.map((p) => `${p.name}: ${p.source}`).join('; ')}. Published means are over all ten classes; with fewer classes, the mean of the published per-class numbers of those classes.`,
    ],
    results: {
      protocol: protocolName,
      classes: perClass,
      meanAucRoc: means,
      seeds,
      detectors: configs,
      runs,
    },
    published: Object.fromEntries(published.map((p) => [p.name, p])),
    markdown: [
      '### AUC-ROC % (mean ± std over seeds)',
      '',
      mdTable(['class', ...variants, ...published.map((p) => `${p.name} (published)`)], aucRows),
      '',
      '### Wall seconds per run (fit + score), mean ± std over seeds',
      '',
      mdTable(['class', ...detectors, 'training images', 'test images'], wallRows),
    ].join('\n'),
    headline: {
      protocol: protocolName,
      ...Object.fromEntries(variants.map((v) => [`meanAucRoc ${v}`, means[v]])),
    },
  };
}

export function runMnist(ctx: BenchContext): Promise<BenchOutcome> {
  return runOneClass(ctx, loadMnistLike('mnist', mnistDir(ctx.dataDir)));
}

export function runFashionMnist(ctx: BenchContext): Promise<BenchOutcome> {
  return runOneClass(
    ctx,
    loadMnistLike('fashion-mnist', fashionDir(ctx.dataDir, ctx.dataDirGiven === true)),
  );
}

export function runCifar10(ctx: BenchContext): Promise<BenchOutcome> {
  return runOneClass(ctx, loadCifar10(ctx.dataDir));
}
