// Why CAE + One-Class SVM features carry little class information on colour images, and
// which settings fix it (a script, not a test). On CIFAR-10's development protocol (a seeded
// 80% of a class's test images train, the rest plus all other classes are scored), for each
// class it prints AUC-ROC of:
//   - the raw-pixel One-Class SVM under each normalisation (the baseline);
//   - each autoencoder variant's SVM on its features, standardised per feature or not, for
//     gamma 'scale' and nu 0.1, and the same autoencoder's reconstruction error.
// Run: node dist/bench/cae-colour.js [classes, e.g. 3,8] [seed] [variant names, comma-separated]
// (NORMALCY_DATASETS or ../shared/datasets for the data.)
import { defaultDataDir } from '../src/pipelines/benchmarks/run-record.js';
import { loadCifar10, oneClassSplit } from '../src/pipelines/benchmarks/image-datasets.js';
import { CaeOcsvmDetector, type CaeOcsvmConfig } from '../src/detectors/cae-ocsvm.js';
import { OcsvmDetector } from '../src/detectors/ocsvm.js';
import { OneClassSvm } from '../src/models/one-class-svm.js';
import { columnMeanStd } from '../src/data/column-stats.js';
import { rocAuc } from '../src/metrics/roc.js';
import type { ImageNormalization } from '../src/data/image-normalization.js';

const VARIANTS: Record<string, Partial<CaeOcsvmConfig>> = {
  default: {},
  gcn: { normalization: 'gcn-minmax' },
  minmax: { normalization: 'minmax' },
  wide: { encoderChannels: [32, 16, 8] },
  'wide-gcn': { encoderChannels: [32, 16, 8], normalization: 'gcn-minmax' },
  'wide-mse': { encoderChannels: [32, 16, 8], loss: 'mse' },
  'wider-30': { encoderChannels: [32, 32, 16], epochs: 30 },
  'default-30': { epochs: 30 },
};

const classes = (process.argv[2] ?? '3,8').split(',').map(Number);
const seed = Number(process.argv[3] ?? 1);
const variants = (process.argv[4] ?? 'default,gcn,wide').split(',');
const data = loadCifar10(defaultDataDir());

function standardised(
  values: Float64Array,
  rows: number,
  cols: number,
  ref: Float64Array,
  refRows: number,
) {
  const out = new Float64Array(values.length);
  for (let j = 0; j < cols; j++) {
    const { mean, std } = columnMeanStd(ref, j, cols, refRows);
    const s = std > 1e-12 ? std : 1;
    for (let i = 0; i < rows; i++) out[i * cols + j] = (values[i * cols + j]! - mean) / s;
  }
  return out;
}

function svmAuc(
  train: Float64Array,
  test: Float64Array,
  cols: number,
  labels: Uint8Array,
  nu = 0.1,
) {
  const svm = new OneClassSvm().fit(train, train.length / cols, cols, { nu, gamma: 'scale' });
  return rocAuc(svm.score(test, test.length / cols), labels);
}

const rows: Record<string, string | number>[] = [];
for (const k of classes) {
  const split = oneClassSplit(data, k, seed, {
    maxTrain: Infinity,
    trainShare: 0.8,
    maxAnomalies: Infinity,
  });
  for (const normalization of ['none', 'minmax', 'gcn-minmax'] as ImageNormalization[]) {
    const t0 = performance.now();
    const d = new OcsvmDetector({ normalization });
    await d.fit(split.train, { seed });
    const auc = rocAuc(d.score(split.test), split.labels);
    rows.push({
      class: k,
      what: `raw ocsvm ${normalization}`,
      auc: auc.toFixed(4),
      s: ((performance.now() - t0) / 1000).toFixed(1),
    });
    console.log(JSON.stringify(rows.at(-1)));
  }
  for (const v of variants) {
    const t0 = performance.now();
    const d = new CaeOcsvmDetector({
      imageShape: [32, 32, 3],
      featureScaling: 'none',
      ...VARIANTS[v],
    });
    const summary = await d.fit(split.train, { seed });
    const trainSeconds = (performance.now() - t0) / 1000;
    const f = d.featureSize;
    const tr = d.encode(split.train);
    const te = d.encode(split.test);
    const rec = rocAuc(d.reconstructionError(split.test), split.labels);
    const none = svmAuc(tr, te, f, split.labels);
    const std = svmAuc(
      standardised(tr, split.train.length, f, tr, split.train.length),
      standardised(te, split.test.length, f, tr, split.train.length),
      f,
      split.labels,
    );
    let dead = 0;
    for (let j = 0; j < f; j++) if (columnMeanStd(tr, j, f, split.train.length).std < 1e-6) dead++;
    rows.push({
      class: k,
      what: `cae ${v}`,
      features: f,
      dead,
      loss: summary.finalLoss.toFixed(4),
      'svm standardised': std.toFixed(4),
      'svm unscaled': none.toFixed(4),
      reconstruction: rec.toFixed(4),
      s: trainSeconds.toFixed(1),
    });
    console.log(JSON.stringify(rows.at(-1)));
  }
}
