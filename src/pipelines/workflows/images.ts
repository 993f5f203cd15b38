// Images workflow: one class of an image set is normal. A convolutional autoencoder is
// trained on normal training images, a One-Class SVM on its (standardised) encoder
// features for each `nu` of a grid, and ROC AUC and PR AUC (average precision) are averaged
// over seeded test sets: each holds the normal test images (all, or a seeded sample of
// `normalTestSample`) plus seeded anomalies (other classes) making `anomalyShare` of it.
//
// Source: `npz: <file>` holding {images, labels} (images [n, h, w] or [n, h, w, c]); its
// normal images are split seeded into training and test (`testFraction`). Or `mnist: <dir>`
// with the idx files (train-*/t10k-*), using MNIST's own split.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readNpzImages } from '../../data/npz.js';
import { readMnistImages, readMnistLabels } from '../../data/idx.js';
import { toFloat32Array } from '../../data/ndarray.js';
import { createRng, shuffleInPlace } from '../../data/random.js';
import { createSeries, type Series } from '../../data/series.js';
import { CaeOcsvmDetector } from '../../detectors/cae-ocsvm.js';
import { OneClassSvm, type OneClassSvmGamma } from '../../models/one-class-svm.js';
import { rocAuc, rocCurve } from '../../metrics/roc.js';
import { averagePrecision, prCurve } from '../../metrics/pr.js';
import { prChart, rocChart, writeChart } from '../../report/index.js';
import { ConfigError } from '../../config/errors.js';
import {
  configPath,
  numberField,
  numberListField,
  round,
  stringField,
  writeCsv,
} from './config-fields.js';
import {
  defineWorkflow,
  type Workflow,
  type WorkflowContext,
  type WorkflowResult,
} from './workflow.js';

const NAME = 'images';

interface ImageData {
  /** Flattened images, one row of h * w * c pixels each. */
  pixels: Float32Array;
  labels: ArrayLike<number>;
  shape: [number, number, number];
}

interface Split {
  shape: [number, number, number];
  train: ImageData['pixels'];
  trainCount: number;
  /** Normal test images and the anomaly pool, as rows of `test`. */
  test: ImageData;
  normalRows: number[];
  anomalyRows: number[];
  source: string;
}

function rowsOf(d: ImageData, rows: readonly number[]): Float32Array {
  const size = d.shape[0] * d.shape[1] * d.shape[2];
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, k) => out.set(d.pixels.subarray(r * size, (r + 1) * size), k * size));
  return out;
}

function fromNpz(path: string): ImageData {
  const set = readNpzImages(path);
  const s = set.images.shape;
  const shape: [number, number, number] = [s[1]!, s[2]!, s.length === 4 ? s[3]! : 1];
  return { pixels: toFloat32Array(set.images), labels: set.labels, shape };
}

function fromMnist(dir: string, prefix: 'train' | 't10k'): ImageData {
  const file = (kind: string) => {
    const base = join(dir, `${prefix}-${kind}`);
    return existsSync(`${base}.gz`) ? `${base}.gz` : base;
  };
  const images = readMnistImages(file('images-idx3-ubyte'));
  return {
    pixels: Float32Array.from(images.data),
    labels: readMnistLabels(file('labels-idx1-ubyte'), images),
    shape: [images.rows, images.cols, 1],
  };
}

function split(ctx: WorkflowContext, normalLabel: number): Split {
  const c = ctx.config;
  const npz = stringField(NAME, c, 'npz');
  const mnist = stringField(NAME, c, 'mnist');
  if (!npz === !mnist) throw new ConfigError(`workflow ${NAME}: give exactly one of npz and mnist`);
  const rng = createRng(ctx.seed);
  const indices = (d: ImageData, normal: boolean) => {
    const out: number[] = [];
    for (let i = 0; i < d.labels.length; i++)
      if ((d.labels[i] === normalLabel) === normal) out.push(i);
    return out;
  };
  let trainData: ImageData;
  let trainRows: number[];
  let test: ImageData;
  let normalRows: number[];
  if (npz) {
    const path = configPath(ctx.baseDir, npz);
    trainData = test = fromNpz(path);
    const testFraction = numberField(NAME, c, 'testFraction', 0.2, { min: 0.01, max: 0.99 });
    const normals = shuffleInPlace(indices(test, true), rng);
    const nTest = Math.max(1, Math.round(normals.length * testFraction));
    normalRows = normals.slice(0, nTest).sort((a, b) => a - b);
    trainRows = normals.slice(nTest);
  } else {
    const dir = configPath(ctx.baseDir, mnist!);
    trainData = fromMnist(dir, 'train');
    test = fromMnist(dir, 't10k');
    trainRows = indices(trainData, true);
    normalRows = indices(test, true);
  }
  const anomalyRows = indices(test, false);
  if (trainRows.length < 2 || normalRows.length < 2 || anomalyRows.length < 1) {
    throw new ConfigError(
      `workflow ${NAME}: label ${normalLabel} gives ${trainRows.length} training, ${normalRows.length} normal test and ${anomalyRows.length} anomalous images; too few`,
    );
  }
  const trainLimit = ctx.quick ? 200 : numberField(NAME, c, 'trainLimit', 0, { int: true, min: 0 });
  if (trainLimit > 0 && trainRows.length > trainLimit) {
    trainRows = shuffleInPlace(trainRows, rng)
      .slice(0, trainLimit)
      .sort((a, b) => a - b);
  }
  return {
    shape: test.shape,
    train: rowsOf(trainData, trainRows),
    trainCount: trainRows.length,
    test,
    normalRows,
    anomalyRows,
    source: npz ? configPath(ctx.baseDir, npz) : configPath(ctx.baseDir, mnist!),
  };
}

/** k distinct items of `pool`, seeded (partial Fisher-Yates on a copy). */
function sample(pool: readonly number[], k: number, seed: number): number[] {
  const rng = createRng(seed);
  const a = pool.slice();
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.nextInt(a.length - i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

function meanStd(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std };
}

async function run(ctx: WorkflowContext): Promise<WorkflowResult> {
  const c = ctx.config;
  const normalLabel = numberField(NAME, c, 'normalLabel', 0, { int: true });
  const nu = numberField(NAME, c, 'nu', 0.1, { min: 1e-6, max: 1 });
  const nus = [
    ...new Set([
      ...(ctx.quick
        ? [0.1, 0.5]
        : numberListField(NAME, c, 'nus', [0.01, 0.05, 0.1, 0.2, 0.5], { min: 1e-6, max: 1 })),
      nu,
    ]),
  ].sort((a, b) => a - b);
  const gammaField = c.gamma ?? 'scale';
  if (!(
    gammaField === 'scale' ||
    gammaField === 'auto' ||
    (typeof gammaField === 'number' && gammaField > 0)
  ))
    throw new ConfigError(
      `workflow ${NAME}: gamma is ${JSON.stringify(gammaField)}, expected scale, auto or a positive number`,
    );
  const gamma = gammaField as OneClassSvmGamma;
  const testSets = numberField(NAME, c, 'testSets', 10, { int: true, min: 1 });
  const anomalyShare = numberField(NAME, c, 'anomalyShare', 0.1, { min: 0.001, max: 0.99 });
  const normalSample = ctx.quick
    ? 100
    : numberField(NAME, c, 'normalTestSample', 0, { int: true, min: 0 });

  const s = split(ctx, normalLabel);
  const size = s.shape[0] * s.shape[1] * s.shape[2];
  ctx.log(
    `images: normal label ${normalLabel}, ${s.trainCount} training images, ${s.normalRows.length} normal test images, ${s.anomalyRows.length} anomalous (${s.source})`,
  );

  // The seeded test sets, as rows of the test data.
  const sets = Array.from({ length: testSets }, (_, k) => {
    const normals =
      normalSample > 0 && normalSample < s.normalRows.length
        ? sample(s.normalRows, normalSample, ctx.seed * 1000 + 2 * k)
        : s.normalRows;
    const nAnomalies = Math.max(
      1,
      Math.round((normals.length * anomalyShare) / (1 - anomalyShare)),
    );
    const anomalies = sample(s.anomalyRows, nAnomalies, ctx.seed * 1000 + 2 * k + 1);
    return { normals, anomalies };
  });
  // Every image used by any set is encoded and scored once.
  const union = [...new Set(sets.flatMap((t) => [...t.normals, ...t.anomalies]))].sort(
    (a, b) => a - b,
  );
  const position = new Map(union.map((r, i) => [r, i]));

  const detector = new CaeOcsvmDetector({
    imageShape: s.shape,
    epochs: ctx.quick ? 1 : numberField(NAME, c, 'epochs', 2, { int: true, min: 1 }),
    batchSize: numberField(NAME, c, 'batchSize', 64, { int: true, min: 1 }),
    learningRate: numberField(NAME, c, 'learningRate', 1e-3, { min: 0 }),
    nu,
    gamma,
  });
  const train: Series = createSeries({ data: s.train, channels: size });
  const t0 = performance.now();
  const training = await detector.fit(train, {
    seed: ctx.seed,
    onEpoch: (r) =>
      ctx.log(`epoch ${r.epoch}: loss ${r.loss.toExponential(3)} (${r.seconds.toFixed(1)} s)`),
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const trainFeatures = detector.encode(train);
  const testFeatures = detector.encode(
    createSeries({ data: rowsOf(s.test, union), channels: size }),
  );
  const cols = trainFeatures.length / train.length;

  const rows: (string | number)[][] = [];
  const grid: { nu: number; aucRoc: number; aucRocStd: number; aucPr: number; aucPrStd: number }[] =
    [];
  const firstSet: { nu: number; scores: Float64Array; labels: Uint8Array }[] = [];
  for (const v of nus) {
    const svm = new OneClassSvm().fit(trainFeatures, train.length, cols, { nu: v, gamma });
    const all = svm.score(testFeatures, union.length);
    const rocs: number[] = [];
    const prs: number[] = [];
    sets.forEach((t, k) => {
      const members = [...t.normals, ...t.anomalies];
      const scores = Float64Array.from(members, (r) => all[position.get(r)!]!);
      const labels = new Uint8Array(members.length).fill(1, t.normals.length);
      const roc = rocAuc(scores, labels);
      const pr = averagePrecision(scores, labels);
      rocs.push(roc);
      prs.push(pr);
      rows.push([v, k, t.normals.length, t.anomalies.length, roc, pr]);
      if (k === 0) firstSet.push({ nu: v, scores, labels });
    });
    const r = meanStd(rocs);
    const p = meanStd(prs);
    grid.push({ nu: v, aucRoc: r.mean, aucRocStd: r.std, aucPr: p.mean, aucPrStd: p.std });
    ctx.log(
      `nu ${v}: AUC-ROC ${r.mean.toFixed(4)} ± ${r.std.toFixed(4)}, AUC-PR ${p.mean.toFixed(4)} ± ${p.std.toFixed(4)}`,
    );
  }

  const files: string[] = [];
  const setsCsv = join(ctx.out, 'nu-grid-sets.csv');
  writeCsv(setsCsv, ['nu', 'test_set', 'normal', 'anomalies', 'auc_roc', 'auc_pr'], rows);
  const gridCsv = join(ctx.out, 'nu-grid.csv');
  writeCsv(
    gridCsv,
    ['nu', 'auc_roc_mean', 'auc_roc_std', 'auc_pr_mean', 'auc_pr_std'],
    grid.map((g) => [g.nu, g.aucRoc, g.aucRocStd, g.aucPr, g.aucPrStd]),
  );
  files.push(setsCsv, gridCsv);
  const roc = await writeChart(
    join(ctx.out, 'roc'),
    rocChart({
      title: 'ROC, test set 0, per nu',
      curves: firstSet.map((f) => {
        const curve = rocCurve(f.scores, f.labels);
        return {
          name: `nu ${f.nu}`,
          fpr: curve.fpr,
          tpr: curve.tpr,
          auc: rocAuc(f.scores, f.labels),
        };
      }),
    }),
  );
  const pr = await writeChart(
    join(ctx.out, 'pr'),
    prChart({
      title: 'Precision-recall, test set 0, per nu',
      curves: firstSet.map((f) => {
        const curve = prCurve(f.scores, f.labels);
        return {
          name: `nu ${f.nu}`,
          recall: curve.recall,
          precision: curve.precision,
          averagePrecision: averagePrecision(f.scores, f.labels),
        };
      }),
      prevalence: sets[0]!.anomalies.length / (sets[0]!.anomalies.length + sets[0]!.normals.length),
    }),
  );
  files.push(roc.svgPath, roc.pngPath, pr.svgPath, pr.pngPath);
  const modelDir = join(ctx.out, 'model');
  detector.save(modelDir);
  files.push(modelDir);

  const headline = grid.find((g) => g.nu === nu)!;
  return {
    summary: {
      source: s.source,
      normalLabel,
      imageShape: s.shape,
      trainImages: s.trainCount,
      testSets,
      normalPerSet: sets[0]!.normals.length,
      anomaliesPerSet: sets[0]!.anomalies.length,
      epochs: training.epochs,
      finalLoss: round(training.finalLoss),
      trainSeconds: round(trainSeconds, 4),
      nu,
      gamma,
      aucRoc: round(headline.aucRoc),
      aucRocStd: round(headline.aucRocStd),
      aucPr: round(headline.aucPr),
      aucPrStd: round(headline.aucPrStd),
      grid: grid.map((g) => ({
        nu: g.nu,
        aucRoc: round(g.aucRoc),
        aucRocStd: round(g.aucRocStd),
        aucPr: round(g.aucPr),
        aucPrStd: round(g.aucPrStd),
      })),
    },
    files,
  };
}

export const imagesWorkflow: Workflow = defineWorkflow(
  NAME,
  'CAE features + One-Class SVM over a nu grid; AUCs over seeded test sets',
  run,
);
