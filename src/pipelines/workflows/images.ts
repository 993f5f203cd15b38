// Images workflow: one class of an image set is normal. An image detector is trained on
// normal training images (by default cae-ocsvm: a convolutional autoencoder, then a One-Class
// SVM on its standardised encoder features for each `nu` of a grid), and ROC AUC and PR AUC
// (average precision) are averaged
// over seeded test sets: each holds the normal test images (all, or a seeded sample of
// `normalTestSample`) plus seeded anomalies (other classes) making `anomalyShare` of it.
//
// Source: `npz: <file>` holding {images, labels} (images [n, h, w] or [n, h, w, c]); its
// normal images are split seeded into training and test (`testFraction`). Or `mnist: <dir>`
// with the idx files (train-*/t10k-*), using MNIST's own split. Or `folders: {train, test}`
// of PNG/JPEG files (image-folder.ts): every training image is normal; in the test folder,
// images under `normalFolder` (good/) are normal and those in any other subfolder anomalous
// (without subfolders the test images are unlabelled: scored and ranked, no AUC). Folder
// images are brought to one size (`resize: [h, w]`) and colour mode (`color`). Folder test
// images form one test set as they are.
//
// `detector` picks the image detector (cae-ocsvm by default, or geom, ...), its settings in
// `detectorConfig`; the nu grid is cae-ocsvm's. Every run writes scores.csv (every scored
// test image) and report.html, which shows the most and least anomalous test images.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readNpzImages } from '../../data/npz.js';
import { labelsFromSubfolders, readImageFolder, type ColorMode } from '../../data/image-folder.js';
import { readMnistImages, readMnistLabels } from '../../data/idx.js';
import { toFloat32Array } from '../../data/ndarray.js';
import { createRng, shuffleInPlace } from '../../data/random.js';
import { createSeries, type Series } from '../../data/series.js';
import { CaeOcsvmDetector } from '../../detectors/cae-ocsvm.js';
import { createDetector, detectorEntry, detectorNames } from '../../detectors/registry.js';
import type { Detector, TrainingSummary } from '../../detectors/detector.js';
import { OneClassSvm, type OneClassSvmGamma } from '../../models/one-class-svm.js';
import { rocAuc, rocCurve } from '../../metrics/roc.js';
import { averagePrecision, prCurve } from '../../metrics/pr.js';
import {
  imageThumbnail,
  prChart,
  rocChart,
  writeChart,
  writeHtmlReport,
  type ChartSpec,
  type GalleryImage,
} from '../../report/index.js';
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
  /** File of each image (folders), for captions and scores.csv. */
  files?: string[];
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
  /** Folder test sets are used as they are (one set); false: unlabelled. */
  folders?: { labelled: boolean };
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

/** The `folders` source: a training folder (all normal) and a test folder. */
async function fromFolders(ctx: WorkflowContext, folders: unknown): Promise<Split> {
  const c = ctx.config;
  if (folders === null || typeof folders !== 'object' || Array.isArray(folders))
    throw new ConfigError(
      `workflow ${NAME}: folders is ${JSON.stringify(folders)}, expected a mapping with train and test`,
    );
  const f = folders as Record<string, unknown>;
  const trainDir = stringField(NAME, f, 'train');
  const testDir = stringField(NAME, f, 'test');
  if (!trainDir || !testDir)
    throw new ConfigError(
      `workflow ${NAME}: folders needs train (a folder of normal images) and test (a folder of images to score)`,
    );
  const color = stringField(NAME, c, 'color', 'auto');
  if (color !== 'auto' && color !== 'grayscale' && color !== 'rgb')
    throw new ConfigError(
      `workflow ${NAME}: color is ${JSON.stringify(color)}, expected auto, grayscale or rgb`,
    );
  const resize =
    c.resize === undefined
      ? undefined
      : (numberListField(NAME, c, 'resize', [], { int: true, min: 1 }) as [number, number]);
  if (resize && resize.length !== 2)
    throw new ConfigError(
      `workflow ${NAME}: resize is ${JSON.stringify(c.resize)}, expected [height, width]`,
    );
  const normalFolder = stringField(NAME, c, 'normalFolder', 'good')!;
  const trainPath = configPath(ctx.baseDir, trainDir);
  const testPath = configPath(ctx.baseDir, testDir);
  const train = await readImageFolder(trainPath, { resize, color: color as ColorMode });
  const test = await readImageFolder(testPath, { resize, like: train });
  const labels = labelsFromSubfolders(test, normalFolder);
  const rng = createRng(ctx.seed);
  let trainRows = train.files.map((_, i) => i);
  const trainLimit = ctx.quick ? 200 : numberField(NAME, c, 'trainLimit', 0, { int: true, min: 0 });
  if (trainLimit > 0 && trainRows.length > trainLimit)
    trainRows = shuffleInPlace(trainRows, rng)
      .slice(0, trainLimit)
      .sort((a, b) => a - b);
  const all = test.files.map((_, i) => i);
  const normalRows = labels ? all.filter((i) => labels[i] === 0) : all;
  const anomalyRows = labels ? all.filter((i) => labels[i] === 1) : [];
  if (labels && normalRows.length === 0)
    throw new ConfigError(
      `workflow ${NAME}: ${testPath} has no images in ${normalFolder}/ (the normal test images); its subfolders are ${[...new Set(test.files.map((n) => n.split('/')[0]))].join(', ')}`,
    );
  const trainData: ImageData = { pixels: train.pixels, labels: [], shape: train.shape };
  return {
    shape: train.shape,
    train: rowsOf(trainData, trainRows),
    trainCount: trainRows.length,
    test: {
      pixels: test.pixels,
      labels: labels ?? new Uint8Array(test.files.length),
      shape: test.shape,
      files: test.files,
    },
    normalRows,
    anomalyRows,
    source: `${trainPath} (train), ${testPath} (test)`,
    folders: { labelled: labels !== undefined },
  };
}

async function split(ctx: WorkflowContext, normalLabel: number): Promise<Split> {
  const c = ctx.config;
  const npz = stringField(NAME, c, 'npz');
  const mnist = stringField(NAME, c, 'mnist');
  const sources = [npz, mnist, c.folders].filter((v) => v !== undefined).length;
  if (sources !== 1)
    throw new ConfigError(`workflow ${NAME}: give exactly one of npz, mnist and folders`);
  if (c.folders !== undefined) return fromFolders(ctx, c.folders);
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

interface TestSet {
  normals: number[];
  anomalies: number[];
}

/** One curve's worth of a test set: its members' scores and 0/1 labels. */
function setScores(
  t: TestSet,
  all: ArrayLike<number>,
  position: Map<number, number>,
): { scores: Float64Array; labels: Uint8Array } {
  const members = [...t.normals, ...t.anomalies];
  return {
    scores: Float64Array.from(members, (r) => all[position.get(r)!]!),
    labels: new Uint8Array(members.length).fill(1, t.normals.length),
  };
}

/** A row of the summary's grid: AUCs over the test sets for one setting (cae-ocsvm's nu). */
interface GridRow {
  nu?: number;
  aucRoc: number;
  aucRocStd: number;
  aucPr: number;
  aucPrStd: number;
}

/** The image detector of the run: `detector` (default cae-ocsvm) with `detectorConfig`. */
function detectorName(c: Record<string, unknown>): string {
  const name = stringField(NAME, c, 'detector', 'cae-ocsvm')!;
  const entry = detectorEntry(name);
  if (!('imageShape' in entry.schema)) {
    const images = detectorNames().filter((n) => 'imageShape' in detectorEntry(n).schema);
    throw new ConfigError(
      `workflow ${NAME}: detector ${name} does not read images (image detectors: ${images.join(', ')})`,
    );
  }
  return name;
}

/** A registered image detector other than cae-ocsvm, from `detectorConfig` and the shared fields. */
function otherDetector(
  ctx: WorkflowContext,
  name: string,
  shape: [number, number, number],
): Detector {
  const c = ctx.config;
  const own = c.detectorConfig ?? {};
  if (own === null || typeof own !== 'object' || Array.isArray(own))
    throw new ConfigError(
      `workflow ${NAME}: detectorConfig is ${JSON.stringify(own)}, expected a mapping of ${name}'s settings`,
    );
  const shared: Record<string, unknown> = {};
  for (const key of ['epochs', 'batchSize', 'learningRate'])
    if (c[key] !== undefined) shared[key] = c[key];
  const config: Record<string, unknown> = {
    ...shared,
    ...(own as Record<string, unknown>),
    imageShape: shape,
  };
  if (ctx.quick) config.epochs = 1;
  return createDetector(name, config);
}

async function run(ctx: WorkflowContext): Promise<WorkflowResult> {
  const c = ctx.config;
  const name = detectorName(c);
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
  const galleryCount = numberField(NAME, c, 'galleryImages', 8, { int: true, min: 0, max: 100 });

  const s = await split(ctx, normalLabel);
  const size = s.shape[0] * s.shape[1] * s.shape[2];
  ctx.log(
    `images: ${s.folders ? '' : `normal label ${normalLabel}, `}${s.trainCount} training images, ${s.normalRows.length} ${s.folders?.labelled === false ? 'unlabelled' : 'normal'} test images, ${s.anomalyRows.length} anomalous (${s.source})`,
  );
  const labelled = s.folders?.labelled ?? true;

  // The test sets, as rows of the test data: a folder's test images as they are, else
  // seeded sets of normal images plus sampled anomalies.
  const sets: TestSet[] = s.folders
    ? [{ normals: s.normalRows, anomalies: s.anomalyRows }]
    : Array.from({ length: testSets }, (_, k) => {
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
  const testSeries = createSeries({ data: rowsOf(s.test, union), channels: size });

  const train: Series = createSeries({ data: s.train, channels: size });
  const onEpoch = (r: { epoch: number; loss: number; seconds: number }) =>
    ctx.log(`epoch ${r.epoch}: loss ${r.loss.toExponential(3)} (${r.seconds.toFixed(1)} s)`);
  const rows: (string | number)[][] = [];
  const grid: GridRow[] = [];
  const curves: { name: string; scores: Float64Array; labels: Uint8Array }[] = [];
  /** Over the test sets: AUCs per set into rows, and their means into grid. */
  const evaluate = (all: ArrayLike<number>, setting: { nu?: number }) => {
    const rocs: number[] = [];
    const prs: number[] = [];
    sets.forEach((t, k) => {
      const { scores, labels } = setScores(t, all, position);
      const roc = rocAuc(scores, labels);
      const pr = averagePrecision(scores, labels);
      rocs.push(roc);
      prs.push(pr);
      rows.push([
        ...(setting.nu === undefined ? [] : [setting.nu]),
        k,
        t.normals.length,
        t.anomalies.length,
        roc,
        pr,
      ]);
      if (k === 0)
        curves.push({ name: setting.nu === undefined ? name : `nu ${setting.nu}`, scores, labels });
    });
    const r = meanStd(rocs);
    const p = meanStd(prs);
    grid.push({ ...setting, aucRoc: r.mean, aucRocStd: r.std, aucPr: p.mean, aucPrStd: p.std });
    ctx.log(
      `${setting.nu === undefined ? name : `nu ${setting.nu}`}: AUC-ROC ${r.mean.toFixed(4)} ± ${r.std.toFixed(4)}, AUC-PR ${p.mean.toFixed(4)} ± ${p.std.toFixed(4)}`,
    );
  };

  let detector: Detector;
  let testScores: ArrayLike<number>;
  let training: TrainingSummary;
  const t0 = performance.now();
  let trainSeconds: number;
  const files: string[] = [];
  if (name === 'cae-ocsvm') {
    const cae = new CaeOcsvmDetector({
      imageShape: s.shape,
      epochs: ctx.quick ? 1 : numberField(NAME, c, 'epochs', 2, { int: true, min: 1 }),
      batchSize: numberField(NAME, c, 'batchSize', 64, { int: true, min: 1 }),
      learningRate: numberField(NAME, c, 'learningRate', 1e-3, { min: 0 }),
      nu,
      gamma,
    });
    training = await cae.fit(train, { seed: ctx.seed, onEpoch });
    trainSeconds = (performance.now() - t0) / 1000;
    detector = cae;
    const trainFeatures = cae.encode(train);
    const testFeatures = cae.encode(testSeries);
    const cols = trainFeatures.length / train.length;
    testScores = new Float64Array(0);
    for (const v of nus) {
      const svm = new OneClassSvm().fit(trainFeatures, train.length, cols, { nu: v, gamma });
      const all = svm.score(testFeatures, union.length);
      if (v === nu) testScores = all;
      if (labelled) evaluate(all, { nu: v });
    }
    if (labelled) {
      const setsCsv = join(ctx.out, 'nu-grid-sets.csv');
      writeCsv(setsCsv, ['nu', 'test_set', 'normal', 'anomalies', 'auc_roc', 'auc_pr'], rows);
      const gridCsv = join(ctx.out, 'nu-grid.csv');
      writeCsv(
        gridCsv,
        ['nu', 'auc_roc_mean', 'auc_roc_std', 'auc_pr_mean', 'auc_pr_std'],
        grid.map((g) => [g.nu!, g.aucRoc, g.aucRocStd, g.aucPr, g.aucPrStd]),
      );
      files.push(setsCsv, gridCsv);
    }
  } else {
    detector = otherDetector(ctx, name, s.shape);
    training = await detector.fit(train, { seed: ctx.seed, onEpoch });
    trainSeconds = (performance.now() - t0) / 1000;
    testScores = detector.score(testSeries);
    if (labelled) {
      evaluate(testScores, {});
      const setsCsv = join(ctx.out, 'test-sets.csv');
      writeCsv(setsCsv, ['test_set', 'normal', 'anomalies', 'auc_roc', 'auc_pr'], rows);
      files.push(setsCsv);
    }
  }

  // Every scored test image: its row (or file), class (or subfolder), label and score.
  const anomalous = new Set(s.anomalyRows);
  const labelOf = (r: number): number | undefined =>
    labelled ? (anomalous.has(r) ? 1 : 0) : undefined;
  const classOf = (r: number): string | number => {
    const file = s.test.files?.[r];
    if (file === undefined) return s.test.labels[r]!;
    return file.includes('/') ? file.split('/')[0]! : '';
  };
  const scoresCsv = join(ctx.out, 'scores.csv');
  writeCsv(
    scoresCsv,
    ['image', 'class', 'anomalous', 'score'],
    union.map((r, i) => [s.test.files?.[r] ?? r, classOf(r), labelOf(r) ?? '', testScores[i]!]),
  );
  files.push(scoresCsv);

  const charts: { title: string; spec: ChartSpec }[] = [];
  if (labelled) {
    const roc = rocChart({
      title: name === 'cae-ocsvm' ? 'ROC, test set 0, per nu' : `ROC, test set 0, ${name}`,
      curves: curves.map((f) => {
        const curve = rocCurve(f.scores, f.labels);
        return { name: f.name, fpr: curve.fpr, tpr: curve.tpr, auc: rocAuc(f.scores, f.labels) };
      }),
    });
    const pr = prChart({
      title:
        name === 'cae-ocsvm'
          ? 'Precision-recall, test set 0, per nu'
          : `Precision-recall, test set 0, ${name}`,
      curves: curves.map((f) => {
        const curve = prCurve(f.scores, f.labels);
        return {
          name: f.name,
          recall: curve.recall,
          precision: curve.precision,
          averagePrecision: averagePrecision(f.scores, f.labels),
        };
      }),
      prevalence: sets[0]!.anomalies.length / (sets[0]!.anomalies.length + sets[0]!.normals.length),
    });
    const rocFiles = await writeChart(join(ctx.out, 'roc'), roc);
    const prFiles = await writeChart(join(ctx.out, 'pr'), pr);
    files.push(rocFiles.svgPath, rocFiles.pngPath, prFiles.svgPath, prFiles.pngPath);
    charts.push({ title: 'ROC', spec: roc }, { title: 'Precision-recall', spec: pr });
  }
  const modelDir = join(ctx.out, 'model');
  detector.save(modelDir);
  files.push(modelDir);

  // The most and least anomalous of the scored test images, as thumbnails.
  const order = union.map((_, i) => i).sort((a, b) => testScores[b]! - testScores[a]!);
  const thumbnails = async (picked: number[]): Promise<GalleryImage[]> =>
    Promise.all(
      picked.map(async (i) => {
        const r = union[i]!;
        const label = labelOf(r);
        const caption = s.test.files
          ? s.test.files[r]!
          : `test image ${r}, class ${s.test.labels[r]}`;
        return {
          png: await imageThumbnail(s.test.pixels.subarray(r * size, (r + 1) * size), s.test.shape),
          caption,
          score: testScores[i]!,
          ...(label === undefined ? {} : { label }),
        };
      }),
    );
  const shown = Math.min(galleryCount, Math.floor(order.length / 2));
  const frame = labelled
    ? ' Frames: red = anomalous (by its label), blue = normal.'
    : ' The test images have no labels.';
  const headline = grid.find((g) => g.nu === undefined || g.nu === nu);
  const summary = {
    source: s.source,
    detector: name,
    ...(s.folders ? {} : { normalLabel }),
    imageShape: s.shape,
    trainImages: s.trainCount,
    testSets: sets.length,
    normalPerSet: sets[0]!.normals.length,
    anomaliesPerSet: sets[0]!.anomalies.length,
    epochs: training.epochs,
    finalLoss: round(training.finalLoss),
    trainSeconds: round(trainSeconds, 4),
    ...(name === 'cae-ocsvm' ? { nu, gamma } : {}),
    ...(headline
      ? {
          aucRoc: round(headline.aucRoc),
          aucRocStd: round(headline.aucRocStd),
          aucPr: round(headline.aucPr),
          aucPrStd: round(headline.aucPrStd),
        }
      : {}),
    ...(name === 'cae-ocsvm' && labelled
      ? {
          grid: grid.map((g) => ({
            nu: g.nu,
            aucRoc: round(g.aucRoc),
            aucRocStd: round(g.aucRocStd),
            aucPr: round(g.aucPr),
            aucPrStd: round(g.aucPrStd),
          })),
        }
      : {}),
  };
  const report = writeHtmlReport(join(ctx.out, 'report.html'), {
    title: `Images: ${name}`,
    subtitle: s.source,
    config: { ...c, seed: ctx.seed, quick: ctx.quick },
    metrics: Object.fromEntries(
      Object.entries(summary).filter(([, v]) => typeof v === 'number' || typeof v === 'string'),
    ) as Record<string, number | string>,
    galleries:
      shown > 0
        ? [
            {
              title: `Most anomalous test images (${shown} of ${order.length})`,
              description: `Highest scores first.${frame}`,
              images: await thumbnails(order.slice(0, shown)),
            },
            {
              title: `Least anomalous test images (${shown} of ${order.length})`,
              description: `Lowest scores first.${frame}`,
              images: await thumbnails(order.slice(-shown).reverse()),
            },
          ]
        : [],
    charts,
  });
  files.push(report);
  return { summary, files };
}

export const imagesWorkflow: Workflow = defineWorkflow(
  NAME,
  'one image class normal (npz, MNIST idx or PNG/JPEG folders): an image detector (cae-ocsvm with a nu grid, geom, ...); AUCs over seeded test sets; report with the most and least anomalous images',
  run,
);
