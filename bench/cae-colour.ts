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
  'lin-gcn': {
    normalization: 'gcn-minmax',
    encoderChannels: [32, 16, 8],
    bottleneck: 'linear',
    loss: 'mse',
  },
  'lin-gcn-16': {
    normalization: 'gcn-minmax',
    encoderChannels: [32, 32, 16],
    bottleneck: 'linear',
    loss: 'mse',
  },
  'lin-gcn-bce': {
    normalization: 'gcn-minmax',
    encoderChannels: [32, 16, 8],
    bottleneck: 'linear',
  },
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
  gammaFactor = 1,
) {
  const rows = train.length / cols;
  const scale = new OneClassSvm().fit(train, rows, cols, { nu, gamma: 'scale' });
  const svm =
    gammaFactor === 1
      ? scale
      : new OneClassSvm().fit(train, rows, cols, { nu, gamma: scale.gamma * gammaFactor });
  return rocAuc(svm.score(test, test.length / cols), labels);
}

const rows: Record<string, string | number>[] = [];
for (const k of classes) {
  const split = oneClassSplit(data, k, seed, {
    maxTrain: Infinity,
    trainShare: 0.8,
    maxAnomalies: Infinity,
  });
  // NORMALCY_SKIP_RAW=1 leaves the raw-pixel baselines out (when they are known already).
  const raw: ImageNormalization[] = process.env.NORMALCY_SKIP_RAW ? [] : ['none', 'gcn-minmax'];
  for (const normalization of raw) {
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
    const grid = [0.1, 10].map(
      (g) => `gamma x${g} ${svmAuc(tr, te, f, split.labels, 0.1, g).toFixed(4)}`,
    );
    grid.push(`nu 0.5 ${svmAuc(tr, te, f, split.labels, 0.5).toFixed(4)}`);
    // Reconstruction-error maps: log squared error averaged over 8 x 8 blocks per channel.
    const errorMap = (x: typeof split.test) => {
      const e = d.explain(x);
      const [h, w, ch] = [32, 32, 3];
      const cells = (h / 8) * (w / 8) * ch;
      const out = new Float64Array(x.length * cells);
      for (let i = 0; i < x.length; i++)
        for (let p = 0; p < h * w; p++)
          for (let c = 0; c < ch; c++) {
            const cell = (Math.floor(p / w / 8) * (w / 8) + Math.floor((p % w) / 8)) * ch + c;
            out[i * cells + cell] += e[i * h * w * ch + p * ch + c]! / 64;
          }
      for (let i = 0; i < out.length; i++) out[i] = Math.log(out[i]! + 1e-8);
      return { values: out, cells };
    };
    const emTr = errorMap(split.train);
    const emTe = errorMap(split.test);
    const n1 = split.train.length;
    const n2 = split.test.length;
    const em = svmAuc(
      standardised(emTr.values, n1, emTr.cells, emTr.values, n1),
      standardised(emTe.values, n2, emTe.cells, emTr.values, n1),
      emTr.cells,
      split.labels,
    );
    const join = (a: Float64Array, b: Float64Array, n: number, ca: number, cb: number) => {
      const out = new Float64Array(n * (ca + cb));
      for (let i = 0; i < n; i++) {
        out.set(a.subarray(i * ca, (i + 1) * ca), i * (ca + cb));
        out.set(b.subarray(i * cb, (i + 1) * cb), i * (ca + cb) + ca);
      }
      return out;
    };
    const both = svmAuc(
      join(
        standardised(tr, n1, f, tr, n1),
        standardised(emTr.values, n1, emTr.cells, emTr.values, n1),
        n1,
        f,
        emTr.cells,
      ),
      join(
        standardised(te, n2, f, tr, n1),
        standardised(emTe.values, n2, emTe.cells, emTr.values, n1),
        n2,
        f,
        emTr.cells,
      ),
      f + emTr.cells,
      split.labels,
    );
    grid.push(`error map ${em.toFixed(4)}`, `latent + error map ${both.toFixed(4)}`);
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
      unscaled: grid.join(', '),
      s: trainSeconds.toFixed(1),
    });
    console.log(JSON.stringify(rows.at(-1)));
  }
}
