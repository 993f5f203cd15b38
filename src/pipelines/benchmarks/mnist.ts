// One-class MNIST and Fashion-MNIST: for each class, train cae-ocsvm on that
// class's training images only, score the test set with every other class
// anomalous, and report AUC-ROC per class and the mean for two detectors from
// the one training run: CAE + One-Class SVM, and the deep detector alone (the
// convolutional autoencoder's reconstruction error); beside Deep SVDD's MNIST
// numbers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readMnistImages, readMnistLabels } from '../../data/idx.js';
import { createSeries } from '../../data/series.js';
import { CaeOcsvmDetector } from '../../detectors/cae-ocsvm.js';
import { rocAuc } from '../../metrics/roc.js';
import { averagePrecision } from '../../metrics/pr.js';
import { datasetDir, fmt, mdTable, type BenchContext, type BenchOutcome } from './run-record.js';

/** Deep SVDD (one-class), ICML 2018, MNIST AUC-ROC per digit, in percent. */
export const DEEP_SVDD_MNIST = [98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5];
const DEEP_SVDD_MNIST_MEAN = 94.8;
const FASHION_DEFAULT = '/usr/share/datasets/fashion-mnist';
const FASHION_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
const MARKER = 'train-images-idx3-ubyte.gz';
const PIXELS = 28 * 28;

interface Variant {
  key: 'mnist' | 'fashion-mnist';
  dir: string;
  names: string[];
}

async function runOneClass(ctx: BenchContext, v: Variant): Promise<BenchOutcome> {
  const file = (f: string) => join(v.dir, f);
  const trainImages = readMnistImages(file('train-images-idx3-ubyte.gz'));
  const trainLabels = readMnistLabels(file('train-labels-idx1-ubyte.gz'), trainImages);
  const testImagesAll = readMnistImages(file('t10k-images-idx3-ubyte.gz'));
  const testLabelsAll = readMnistLabels(file('t10k-labels-idx1-ubyte.gz'), testImagesAll);
  const classes = ctx.quick ? [0, 1] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const maxTrain = ctx.quick ? 300 : Infinity;
  const testCount = ctx.quick ? 1000 : testLabelsAll.length;
  const epochs = ctx.quick ? 1 : 5;
  const test = createSeries({
    data: Float32Array.from(testImagesAll.data.subarray(0, testCount * PIXELS)),
    channels: PIXELS,
  });
  const testLabels = testLabelsAll.subarray(0, testCount);

  const perClass: Record<string, Record<string, number>> = {};
  for (const k of classes) {
    const rows: number[] = [];
    for (let i = 0; i < trainLabels.length && rows.length < maxTrain; i++)
      if (trainLabels[i] === k) rows.push(i);
    const data = new Float32Array(rows.length * PIXELS);
    rows.forEach((r, j) =>
      data.set(trainImages.data.subarray(r * PIXELS, (r + 1) * PIXELS), j * PIXELS),
    );
    const train = createSeries({ data, channels: PIXELS });
    const labels = Uint8Array.from(testLabels, (d) => (d === k ? 0 : 1));
    const detector = new CaeOcsvmDetector({ imageShape: [28, 28, 1], epochs, nu: 0.1 });
    const t0 = performance.now();
    const summary = await detector.fit(train, { seed: ctx.seed });
    const t1 = performance.now();
    const scores = detector.score(test);
    const t2 = performance.now();
    const aucRoc = rocAuc(scores, labels);
    const reconstruction = detector.reconstructionError(test);
    const aucRocReconstruction = rocAuc(reconstruction, labels);
    perClass[String(k)] = {
      aucRoc,
      aucPr: averagePrecision(scores, labels),
      aucRocReconstruction,
      aucPrReconstruction: averagePrecision(reconstruction, labels),
      trainImages: train.length,
      finalLoss: summary.finalLoss,
      trainSeconds: (t1 - t0) / 1000,
      scoreSeconds: (t2 - t1) / 1000,
    };
    ctx.log(
      `${v.key} class ${k}: AUC-ROC cae-ocsvm ${fmt(aucRoc)}, CAE reconstruction ${fmt(aucRocReconstruction)} (${train.length} training images, ${((t1 - t0) / 1000).toFixed(1)} s training)`,
    );
  }
  const aucs = classes.map((k) => perClass[String(k)]!.aucRoc);
  const meanAucRoc = aucs.reduce((a, b) => a + b, 0) / aucs.length;
  const aucsReconstruction = classes.map((k) => perClass[String(k)]!.aucRocReconstruction!);
  const meanAucRocReconstruction =
    aucsReconstruction.reduce((a, b) => a + b, 0) / aucsReconstruction.length;
  const isMnist = v.key === 'mnist';
  const rows = classes.map((k) => [
    `${k} (${v.names[k]})`,
    fmt(100 * perClass[String(k)]!.aucRoc, 1),
    fmt(100 * perClass[String(k)]!.aucRocReconstruction, 1),
    isMnist ? DEEP_SVDD_MNIST[k]!.toFixed(1) : 'n/a',
    String(perClass[String(k)]!.trainImages),
    perClass[String(k)]!.trainSeconds!.toFixed(1),
  ]);
  rows.push([
    `mean of ${classes.length}`,
    fmt(100 * meanAucRoc, 1),
    fmt(100 * meanAucRocReconstruction, 1),
    isMnist
      ? classes.length === 10
        ? DEEP_SVDD_MNIST_MEAN.toFixed(1)
        : (classes.reduce((a, k) => a + DEEP_SVDD_MNIST[k]!, 0) / classes.length).toFixed(1)
      : 'n/a',
    '',
    '',
  ]);
  return {
    title: `${isMnist ? 'MNIST' : 'Fashion-MNIST'} one-class: cae-ocsvm and the CAE alone`,
    protocol: [
      `Classes ${classes.join(', ')}${ctx.quick ? ' (quick: 2 of 10)' : ''}; for each, one detector trained on that class's training images only${ctx.quick ? ` (quick: the first ${maxTrain})` : ' (all, about 6,000)'}.`,
      `cae-ocsvm: convolutional autoencoder, ${epochs} epoch(s), batch 64, Adam 1e-3, seed ${ctx.seed}; One-Class SVM (RBF, nu 0.1, gamma 'scale') on the standardised encoder features; score = -SVM decision. The deep detector alone: the same autoencoder's mean squared reconstruction error per image (no second training run).`,
      `Test: the ${ctx.quick ? `first ${testCount} images of the` : `whole ${testCount}-image`} test set, the normal class labelled 0 and every other class 1; AUC-ROC (labels used only here). One seed, not a mean over seeds.`,
      isMnist
        ? 'Published: Deep SVDD (one-class), Ruff et al., ICML 2018, Table 1, AUC-ROC per digit (mean over 10 seeds).'
        : 'Published: the datasets README gives no Fashion-MNIST number (Deep SVDD reports MNIST and CIFAR-10 only), so none is shown.',
    ],
    results: {
      classes: perClass,
      meanAucRoc,
      meanAucRocReconstruction,
      epochs,
      testImages: testCount,
    },
    published: isMnist
      ? {
          source: 'Deep SVDD (Ruff et al., ICML 2018), one-class MNIST AUC-ROC %',
          perClass: DEEP_SVDD_MNIST,
          mean: DEEP_SVDD_MNIST_MEAN,
        }
      : { source: 'none in the datasets README' },
    markdown: mdTable(
      [
        'class',
        'cae-ocsvm AUC-ROC %',
        'CAE reconstruction AUC-ROC %',
        'Deep SVDD %',
        'training images',
        'train s',
      ],
      rows,
    ),
    headline: {
      meanAucRoc,
      meanAucRocReconstruction,
      ...Object.fromEntries(classes.map((k, i) => [`class${k}`, aucs[i]])),
    },
  };
}

export function runMnist(ctx: BenchContext): Promise<BenchOutcome> {
  return runOneClass(ctx, {
    key: 'mnist',
    dir: datasetDir(ctx.dataDir, 'mnist', MARKER),
    names: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  });
}

export function runFashionMnist(ctx: BenchContext): Promise<BenchOutcome> {
  let dir: string;
  if (ctx.dataDirGiven) {
    dir = datasetDir(ctx.dataDir, 'fashion-mnist', MARKER);
  } else if (existsSync(join(FASHION_DEFAULT, MARKER))) {
    dir = FASHION_DEFAULT;
  } else {
    throw new Error(
      `${FASHION_DEFAULT}: Fashion-MNIST not found; install it with 'apt-get install -y dataset-fashion-mnist' or pass --data-dir`,
    );
  }
  return runOneClass(ctx, { key: 'fashion-mnist', dir, names: FASHION_NAMES });
}
