// What the geom detector costs and reaches, per class (a script, not a test): trains on a
// seeded part of one class and scores a test set where every other class is anomalous,
// for each transformation set asked for. Prints per class: K, epochs, training and scoring
// seconds, seconds per epoch, AUC-ROC; ends with one JSON line.
//
//   node dist/bench/geom.js [cifar10|mnist|fashion-mnist] [classes=0,1] [K=8,72] [epochs=10]
//                           [train=800] [test=2000] [seed=1] [widths=16,32,64]
//
// cifar10: the test split (1,000 images a class); `train` images of the class are drawn
// seeded for training, its other images are the normal test images, and `test` images of
// the other classes (seeded) the anomalies. mnist / fashion-mnist: `train` images of the
// class from the training split; the first `test` images of the test split.
// K: 4 = rotations, 8 = rotations x flip, 9 = translations, 18 = flip x translations,
// 36 = rotations x translations, 72 = all three.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNpzImages } from '../src/data/npz.js';
import { readMnistImages, readMnistLabels } from '../src/data/idx.js';
import { toFloat32Array } from '../src/data/ndarray.js';
import { createSeries, type Series } from '../src/data/series.js';
import { createRng, shuffleInPlace } from '../src/data/random.js';
import { GeomDetector, type GeomConfig } from '../src/detectors/geom.js';
import { rocAuc } from '../src/metrics/roc.js';
import { dataset } from '../test/helpers/datasets.js';

interface Split {
  train: Series;
  test: Series;
  labels: Uint8Array;
}

const [name = 'cifar10', classArg = '0,1', kArg = '8', epochArg = '10'] = process.argv.slice(2);
const trainCount = Number(process.argv[6] ?? 800);
const testCount = Number(process.argv[7] ?? 2000);
const seed = Number(process.argv[8] ?? 1);
const widths = (process.argv[9] ?? '16,32,64').split(',').map(Number);
const classes = classArg.split(',').map(Number);
const ks = kArg.split(',').map(Number);
const epochs = Number(epochArg);

function rows(pixels: Float32Array, size: number, picked: readonly number[]): Float32Array {
  const out = new Float32Array(picked.length * size);
  picked.forEach((r, k) => out.set(pixels.subarray(r * size, (r + 1) * size), k * size));
  return out;
}

interface ImageSet {
  pixels: Float32Array;
  labels: ArrayLike<number>;
  shape: [number, number, number];
}

function loadCifar(): ImageSet {
  const set = readNpzImages(dataset('cifar10', 'cifar10-test.npz'));
  const s = set.images.shape;
  return { pixels: toFloat32Array(set.images), labels: set.labels, shape: [s[1]!, s[2]!, s[3]!] };
}

function loadIdx(dir: string, prefix: 'train' | 't10k'): ImageSet {
  const images = readMnistImages(join(dir, `${prefix}-images-idx3-ubyte.gz`));
  return {
    pixels: Float32Array.from(images.data),
    labels: readMnistLabels(join(dir, `${prefix}-labels-idx1-ubyte.gz`), images),
    shape: [images.rows, images.cols, 1],
  };
}

function splitFor(k: number, sets: { train: ImageSet; test: ImageSet; shared: boolean }): Split {
  const rng = createRng(seed * 100 + k);
  const size = sets.test.shape[0] * sets.test.shape[1] * sets.test.shape[2];
  const of = (d: ImageSet, normal: boolean) =>
    Array.from({ length: d.labels.length }, (_, i) => i).filter(
      (i) => (d.labels[i] === k) === normal,
    );
  let trainRows: number[];
  let testRows: number[];
  if (sets.shared) {
    const normals = shuffleInPlace(of(sets.train, true), rng);
    trainRows = normals.slice(0, trainCount).sort((a, b) => a - b);
    const others = shuffleInPlace(of(sets.test, false), rng).slice(0, testCount);
    testRows = [...normals.slice(trainCount), ...others].sort((a, b) => a - b);
  } else {
    trainRows = shuffleInPlace(of(sets.train, true), rng)
      .slice(0, trainCount)
      .sort((a, b) => a - b);
    testRows = Array.from({ length: Math.min(testCount, sets.test.labels.length) }, (_, i) => i);
  }
  return {
    train: createSeries({ data: rows(sets.train.pixels, size, trainRows), channels: size }),
    test: createSeries({ data: rows(sets.test.pixels, size, testRows), channels: size }),
    labels: Uint8Array.from(testRows, (r) => (sets.test.labels[r] === k ? 0 : 1)),
  };
}

/** The transformation set of each K (shift: a quarter of the image side). */
const TRANSFORM_SETS: Record<number, Pick<GeomConfig, 'rotate' | 'flip'> & { shifted: boolean }> = {
  4: { rotate: true, flip: false, shifted: false },
  8: { rotate: true, flip: true, shifted: false },
  9: { rotate: false, flip: false, shifted: true },
  18: { rotate: false, flip: true, shifted: true },
  36: { rotate: true, flip: false, shifted: true },
  72: { rotate: true, flip: true, shifted: true },
};

function transformsFor(k: number): Pick<GeomConfig, 'rotate' | 'flip'> & { shifted: boolean } {
  const t = TRANSFORM_SETS[k];
  if (!t) throw new Error(`K must be one of ${Object.keys(TRANSFORM_SETS).join(', ')}, got ${k}`);
  return t;
}

async function main(): Promise<void> {
  let sets: { train: ImageSet; test: ImageSet; shared: boolean };
  if (name === 'cifar10') {
    const all = loadCifar();
    sets = { train: all, test: all, shared: true };
  } else {
    const dir = name === 'mnist' ? dataset('mnist') : '/usr/share/datasets/fashion-mnist';
    if (!existsSync(dir))
      throw new Error(`${dir} not found (fashion-mnist: apt-get install -y dataset-fashion-mnist)`);
    sets = { train: loadIdx(dir, 'train'), test: loadIdx(dir, 't10k'), shared: false };
  }
  const [h, w] = sets.test.shape;
  const results: Record<string, unknown>[] = [];
  console.log(
    `geom on ${name}: ${trainCount} training images a class, widths [${widths}], ${epochs} epochs, seed ${seed}`,
  );
  for (const K of ks) {
    const { shifted, ...t } = transformsFor(K);
    // Translations by a quarter of the side (8 pixels at 32, 7 at 28), as in the paper.
    const shift = shifted ? Math.round(Math.min(h, w) / 4) : 0;
    for (const k of classes) {
      const s = splitFor(k, sets);
      const d = new GeomDetector({
        imageShape: sets.test.shape,
        ...t,
        shift,
        widths,
        epochs,
        batchSize: 64,
      });
      const t0 = performance.now();
      await d.fit(s.train, { seed });
      const t1 = performance.now();
      const scores = d.score(s.test);
      const t2 = performance.now();
      const row = {
        dataset: name,
        class: k,
        K: d.transformCount,
        epochs,
        trainImages: s.train.length,
        testImages: s.test.length,
        trainSeconds: +((t1 - t0) / 1000).toFixed(1),
        secondsPerEpoch: +((t1 - t0) / 1000 / epochs).toFixed(2),
        scoreSeconds: +((t2 - t1) / 1000).toFixed(1),
        aucRoc: +rocAuc(scores, s.labels).toFixed(4),
      };
      results.push(row);
      console.log(
        `class ${k} K ${row.K}: AUC-ROC ${row.aucRoc}, train ${row.trainSeconds} s (${row.secondsPerEpoch} s/epoch), score ${row.scoreSeconds} s for ${row.testImages} images`,
      );
    }
  }
  console.log(JSON.stringify(results));
}

await main();
