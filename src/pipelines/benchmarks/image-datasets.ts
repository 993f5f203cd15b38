// The image sets of the one-class benchmarks (MNIST, Fashion-MNIST, CIFAR-10), how one
// class's training and test images are drawn from them, and the published numbers beside
// which ours are shown.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readMnistImages, readMnistLabels } from '../../data/idx.js';
import { readNpz } from '../../data/npz.js';
import { toFloat32Array, toFloat64Array, type NdArray } from '../../data/ndarray.js';
import { DataError } from '../../data/errors.js';
import { createRng, shuffleInPlace } from '../../data/random.js';
import { createSeries, type Series } from '../../data/series.js';
import { datasetDir } from './run-record.js';

/** Images as rows of h * w * c pixels ([h, w, c] order), with their classes. */
export interface LabelledImages {
  pixels: Float32Array;
  labels: ArrayLike<number>;
  count: number;
}

export interface ImageBenchData {
  key: 'mnist' | 'fashion-mnist' | 'cifar10';
  title: string;
  names: readonly string[];
  shape: [number, number, number];
  /** Training images of every class; absent on the development protocol (test split only). */
  train?: LabelledImages;
  test: LabelledImages;
  /** Where the images came from, in words. */
  source: string;
}

/** One published result row: per class AUC-ROC in percent (or only the mean). */
export interface PublishedRow {
  name: string;
  source: string;
  perClass?: readonly number[];
  mean: number;
}

/** Deep SVDD (one-class), ICML 2018, MNIST AUC-ROC per digit, in percent. */
export const DEEP_SVDD_MNIST = [98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5];
const DEEP_SVDD = 'Ruff et al., ICML 2018 (Deep SVDD), Table 1';
const GEOM = 'Golan and El-Yaniv, NeurIPS 2018 (GEOM), Tables 1 and 3';

export const PUBLISHED: Record<ImageBenchData['key'], readonly PublishedRow[]> = {
  mnist: [
    { name: 'Deep SVDD', source: DEEP_SVDD, perClass: DEEP_SVDD_MNIST, mean: 94.8 },
    {
      name: 'OC-SVM (raw pixels)',
      source: DEEP_SVDD,
      perClass: [98.6, 99.5, 82.5, 88.1, 94.9, 77.1, 96.5, 93.7, 88.9, 93.1],
      mean: 91.3,
    },
    { name: 'OCGAN', source: 'Perera et al., CVPR 2019 (OCGAN), mean only', mean: 97.5 },
  ],
  'fashion-mnist': [
    {
      name: 'GEOM',
      source: GEOM,
      perClass: [99.4, 97.6, 91.1, 89.9, 92.1, 93.4, 83.3, 98.9, 90.8, 99.2],
      mean: 93.5,
    },
  ],
  cifar10: [
    {
      name: 'OC-SVM (raw pixels)',
      source: DEEP_SVDD,
      perClass: [61.6, 63.8, 50.0, 55.9, 66.0, 62.4, 74.7, 62.6, 74.9, 75.9],
      mean: 64.8,
    },
    {
      name: 'Deep SVDD',
      source: DEEP_SVDD,
      perClass: [61.7, 65.9, 50.8, 59.1, 60.9, 65.7, 67.7, 67.3, 75.9, 73.1],
      mean: 64.8,
    },
    {
      name: 'GEOM',
      source: GEOM,
      perClass: [74.7, 95.7, 78.1, 72.4, 87.8, 87.8, 83.4, 95.5, 93.3, 91.3],
      mean: 86.0,
    },
    { name: 'GOAD', source: 'Bergman and Hoshen, ICLR 2020 (GOAD), mean only', mean: 88.2 },
  ],
};

const MNIST_MARKER = 'train-images-idx3-ubyte.gz';
export const FASHION_DEFAULT = '/usr/share/datasets/fashion-mnist';
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
const CIFAR_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
const CIFAR_TEST = 'cifar10-test.npz';
const CIFAR_TRAIN = 'cifar10-train.npz';

function idxSet(dir: string, prefix: 'train' | 't10k'): LabelledImages {
  const images = readMnistImages(join(dir, `${prefix}-images-idx3-ubyte.gz`));
  const labels = readMnistLabels(join(dir, `${prefix}-labels-idx1-ubyte.gz`), images);
  return { pixels: Float32Array.from(images.data), labels, count: images.count };
}

export function loadMnistLike(key: 'mnist' | 'fashion-mnist', dir: string): ImageBenchData {
  return {
    key,
    title: key === 'mnist' ? 'MNIST' : 'Fashion-MNIST',
    names: key === 'mnist' ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] : FASHION_NAMES,
    shape: [28, 28, 1],
    train: idxSet(dir, 'train'),
    test: idxSet(dir, 't10k'),
    source: dir,
  };
}

export function mnistDir(dataDir: string): string {
  return datasetDir(dataDir, 'mnist', MNIST_MARKER);
}

/** Fashion-MNIST's directory: --data-dir if given, else the Debian package's. */
export function fashionDir(dataDir: string, given: boolean): string {
  if (given) return datasetDir(dataDir, 'fashion-mnist', MNIST_MARKER);
  if (existsSync(join(FASHION_DEFAULT, MNIST_MARKER))) return FASHION_DEFAULT;
  throw new Error(
    `${FASHION_DEFAULT}: Fashion-MNIST not found; install it with 'apt-get install -y dataset-fashion-mnist' or pass --data-dir`,
  );
}

function npzImages(
  path: string,
  images: NdArray | undefined,
  labels: NdArray | undefined,
  key: string,
) {
  if (!images || !labels) throw new DataError(path, `lacks the ${key} pair of arrays`);
  if (images.shape.length !== 4 || images.shape[3] !== 3 || images.shape[1] !== 32)
    throw new DataError(
      path,
      `expected ${key} images of shape (n, 32, 32, 3), found (${images.shape.join(', ')})`,
    );
  const count = images.shape[0]!;
  if (labels.shape[0] !== count)
    throw new DataError(path, `${labels.shape[0]} labels for ${count} ${key} images`);
  return {
    pixels: toFloat32Array(images),
    labels: Int32Array.from(toFloat64Array(labels)),
    count,
  };
}

/**
 * CIFAR-10 from `cifar10-test.npz` ({images, labels}); with training images too (an
 * `images_train`/`labels_train` pair in it, or `cifar10-train.npz` beside it) the full
 * protocol runs, else the development protocol (test split only).
 */
export function loadCifar10(dataDir: string): ImageBenchData {
  const dir = datasetDir(dataDir, 'cifar10', CIFAR_TEST);
  const testPath = join(dir, CIFAR_TEST);
  const arrays = readNpz(testPath);
  const test = npzImages(testPath, arrays.get('images'), arrays.get('labels'), 'images/labels');
  let train: LabelledImages | undefined;
  let source = testPath;
  if (arrays.has('images_train')) {
    train = npzImages(
      testPath,
      arrays.get('images_train'),
      arrays.get('labels_train'),
      'images_train/labels_train',
    );
  } else if (existsSync(join(dir, CIFAR_TRAIN))) {
    const trainPath = join(dir, CIFAR_TRAIN);
    const t = readNpz(trainPath, ['images', 'labels']);
    train = npzImages(trainPath, t.get('images'), t.get('labels'), 'images/labels');
    source = `${trainPath} and ${testPath}`;
  }
  return {
    key: 'cifar10',
    title: 'CIFAR-10',
    names: CIFAR_NAMES,
    shape: [32, 32, 3],
    train,
    test,
    source,
  };
}

/** One class's training images and a test set labelled 0 (that class) or 1 (any other). */
export interface OneClassSplit {
  train: Series;
  test: Series;
  labels: Uint8Array;
}

export interface SplitOptions {
  /** At most this many training images (the first ones, or the first of the seeded order). */
  maxTrain: number;
  /** Development protocol: the share of the class's test-split images used for training. */
  trainShare: number;
  /** At most this many anomalous test images (a seeded sample); Infinity = all. */
  maxAnomalies: number;
}

function rowsOf(set: LabelledImages, rows: readonly number[], size: number): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, k) => out.set(set.pixels.subarray(r * size, (r + 1) * size), k * size));
  return out;
}

/**
 * Class k as normal. Full protocol (training images present): train on that class's
 * training images, test on the whole test set. Development protocol: a seeded share of
 * the class's test images trains, the rest of them and every other class's test images
 * are scored. The seed draws the development split and any anomaly sample.
 */
export function oneClassSplit(
  data: ImageBenchData,
  k: number,
  seed: number,
  o: SplitOptions,
): OneClassSplit {
  const size = data.shape[0] * data.shape[1] * data.shape[2];
  const rng = createRng(seed);
  const classRows = (set: LabelledImages, normal: boolean) => {
    const rows: number[] = [];
    for (let i = 0; i < set.count; i++) if ((set.labels[i] === k) === normal) rows.push(i);
    return rows;
  };
  let trainRows: number[];
  let normalTest: number[];
  if (data.train) {
    trainRows = classRows(data.train, true).slice(0, o.maxTrain);
    normalTest = classRows(data.test, true);
  } else {
    const rows = shuffleInPlace(classRows(data.test, true), rng);
    const cut = Math.round(rows.length * o.trainShare);
    trainRows = rows.slice(0, Math.min(cut, o.maxTrain)).sort((a, b) => a - b);
    normalTest = rows.slice(cut).sort((a, b) => a - b);
  }
  let anomalies = classRows(data.test, false);
  if (anomalies.length > o.maxAnomalies)
    anomalies = shuffleInPlace(anomalies, rng)
      .slice(0, o.maxAnomalies)
      .sort((a, b) => a - b);
  if (trainRows.length < 2 || normalTest.length < 1)
    throw new Error(
      `${data.title} class ${k}: too few images (${trainRows.length} to train, ${normalTest.length} normal to test)`,
    );
  const testRows = [...normalTest, ...anomalies];
  const labels = new Uint8Array(testRows.length).fill(1, normalTest.length);
  return {
    train: createSeries({ data: rowsOf(data.train ?? data.test, trainRows, size), channels: size }),
    test: createSeries({ data: rowsOf(data.test, testRows, size), channels: size }),
    labels,
  };
}
