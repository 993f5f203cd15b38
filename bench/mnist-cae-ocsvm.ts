// MNIST one-class benchmark of cae-ocsvm: one digit is normal (default 0), the CAE and the
// One-Class SVM are trained on all its training images only; the whole 10,000-image test
// set is scored, every other digit anomalous. Prints the training time, AUC-ROC and AUC-PR
// (average precision) of the configured nu, then a nu grid (the SVM refitted on the cached
// features for each nu: a report of sensitivity, not a selection; the headline number is
// the configured nu's). The last line is one JSON object.
//
//   node dist/bench/mnist-cae-ocsvm.js [--digit 0] [--epochs 2] [--nu 0.1]
//     [--gamma scale|auto|<number>] [--batch 64] [--lr 0.001] [--seed 1] [--threads 2]
//
// Labels are used only to compute the metrics, never in training.
import { readMnistImages, readMnistLabels } from '../src/data/idx.js';
import { createSeries } from '../src/data/series.js';
import { CaeOcsvmDetector } from '../src/detectors/cae-ocsvm.js';
import { setNumThreads } from '../src/engine/index.js';
import { rocAuc } from '../src/metrics/roc.js';
import { averagePrecision } from '../src/metrics/pr.js';
import { dataset } from '../test/helpers/datasets.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

const digit = Number(arg('digit', '0'));
const epochs = Number(arg('epochs', '2'));
const nu = Number(arg('nu', '0.1'));
const gammaArg = arg('gamma', 'scale');
const gamma = gammaArg === 'scale' || gammaArg === 'auto' ? gammaArg : Number(gammaArg);
const batchSize = Number(arg('batch', '64'));
const learningRate = Number(arg('lr', '0.001'));
const seed = Number(arg('seed', '1'));
setNumThreads(Number(arg('threads', '2')));

const PIXELS = 28 * 28;
const trainImages = readMnistImages(dataset('mnist', 'train-images-idx3-ubyte.gz'));
const trainLabels = readMnistLabels(dataset('mnist', 'train-labels-idx1-ubyte.gz'));
const testImages = readMnistImages(dataset('mnist', 't10k-images-idx3-ubyte.gz'));
const testLabels = readMnistLabels(dataset('mnist', 't10k-labels-idx1-ubyte.gz'));

const normalRows: number[] = [];
trainLabels.forEach((d, i) => {
  if (d === digit) normalRows.push(i);
});
const trainData = new Float32Array(normalRows.length * PIXELS);
normalRows.forEach((r, k) =>
  trainData.set(trainImages.data.subarray(r * PIXELS, (r + 1) * PIXELS), k * PIXELS),
);
const train = createSeries({ data: trainData, channels: PIXELS });
const test = createSeries({ data: Float32Array.from(testImages.data), channels: PIXELS });
const labels = Uint8Array.from(testLabels, (d) => (d === digit ? 0 : 1));

console.log(
  `MNIST one-class, normal digit ${digit}: ${train.length} training images, ` +
    `${test.length} test images (${labels.reduce((a, b) => a + b, 0)} anomalous)`,
);
console.log(
  `CAE: epochs ${epochs}, batch ${batchSize}, Adam lr ${learningRate}, seed ${seed}; ` +
    `OCSVM: RBF, nu ${nu}, gamma ${gammaArg} on standardised encoder features`,
);

const detector = new CaeOcsvmDetector({
  imageShape: [28, 28, 1],
  epochs,
  batchSize,
  learningRate,
  nu,
  gamma,
});
const t0 = performance.now();
const summary = await detector.fit(train, {
  seed,
  onEpoch: (r) =>
    console.log(`  epoch ${r.epoch}: loss ${r.loss.toFixed(5)} (${r.seconds.toFixed(1)} s)`),
});
const trainSeconds = (performance.now() - t0) / 1000;
const t1 = performance.now();
const scores = detector.score(test);
const scoreSeconds = (performance.now() - t1) / 1000;
const aucRoc = rocAuc(scores, labels);
const aucPr = averagePrecision(scores, labels);
console.log(
  `training ${trainSeconds.toFixed(1)} s (CAE ${summary.seconds.toFixed(1)} s), ` +
    `scoring ${scoreSeconds.toFixed(1)} s`,
);
console.log(`nu ${nu}: AUC-ROC ${aucRoc.toFixed(4)}, AUC-PR ${aucPr.toFixed(4)}`);

const nus = [0.01, 0.05, 0.1, 0.2, 0.5];
const grid = detector.nuGrid(train, test, labels, nus);
console.log('nu grid (SVM refitted on cached features):');
for (const r of grid) {
  console.log(
    `  nu ${r.nu}: AUC-ROC ${r.aucRoc.toFixed(4)}, AUC-PR ${r.aucPr.toFixed(4)}, ` +
      `${r.supportVectors} support vectors, ${r.seconds.toFixed(1)} s`,
  );
}
console.log(
  JSON.stringify({
    bench: 'mnist-cae-ocsvm',
    digit,
    trainImages: train.length,
    testImages: test.length,
    epochs,
    batchSize,
    learningRate,
    seed,
    nu,
    gamma: gammaArg,
    trainSeconds: Number(trainSeconds.toFixed(2)),
    finalLoss: summary.finalLoss,
    aucRoc,
    aucPr,
    grid: grid.map((r) => ({ nu: r.nu, aucRoc: r.aucRoc, aucPr: r.aucPr })),
  }),
);
