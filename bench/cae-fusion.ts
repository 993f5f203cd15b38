// Does the reconstruction error give the CAE + One-Class SVM what its encoder discards?
// (a script, not a test). On CIFAR-10's development protocol (a seeded 80% of a class's test
// images train, the rest plus all other classes are scored), one cae-ocsvm with its defaults
// is trained per class and seed; it prints AUC-ROC of:
//   - the raw-pixel One-Class SVM (`ocsvm` defaults), the baseline;
//   - cae-ocsvm's score (SVM on standardised encoder features) and its reconstruction error;
//   - the SVM on the features plus the standardised log reconstruction error as one more
//     feature, weighted 1 or sqrt(features) (then it counts as much as all features together);
//   - the sum of the two scores, each standardised by its mean and std on the training images.
// Run: node dist/bench/cae-fusion.js [classes, e.g. 3,8] [seeds, e.g. 1,2]
// (NORMALCY_DATASETS or ../shared/datasets for the data.)
import { defaultDataDir } from '../src/pipelines/benchmarks/run-record.js';
import { loadCifar10, oneClassSplit } from '../src/pipelines/benchmarks/image-datasets.js';
import { CaeOcsvmDetector } from '../src/detectors/cae-ocsvm.js';
import { OcsvmDetector } from '../src/detectors/ocsvm.js';
import { OneClassSvm } from '../src/models/one-class-svm.js';
import { columnMeanStd } from '../src/data/column-stats.js';
import { rocAuc } from '../src/metrics/roc.js';

const classes = (process.argv[2] ?? '3,8').split(',').map(Number);
const seeds = (process.argv[3] ?? '1').split(',').map(Number);
const data = loadCifar10(defaultDataDir());

/** Mean and std of v over the training rows (std 1 when constant). */
function stats(v: ArrayLike<number>): { mean: number; std: number } {
  const a = Float64Array.from(v);
  const { mean, std } = columnMeanStd(a, 0, 1, a.length);
  return { mean, std: std > 1e-12 ? std : 1 };
}

/** Features (already standardised) with one more column: w * standardised log error. */
function withError(
  features: Float64Array,
  cols: number,
  logError: Float64Array,
  ref: { mean: number; std: number },
  w: number,
): Float64Array {
  const n = logError.length;
  const out = new Float64Array(n * (cols + 1));
  for (let i = 0; i < n; i++) {
    out.set(features.subarray(i * cols, (i + 1) * cols), i * (cols + 1));
    out[i * (cols + 1) + cols] = (w * (logError[i]! - ref.mean)) / ref.std;
  }
  return out;
}

const logOf = (e: Float32Array) => Float64Array.from(e, (v) => Math.log(v + 1e-12));

for (const k of classes) {
  for (const seed of seeds) {
    const split = oneClassSplit(data, k, seed, {
      maxTrain: Infinity,
      trainShare: 0.8,
      maxAnomalies: Infinity,
    });
    const out: Record<string, string | number> = { class: k, seed };
    let t0 = performance.now();
    if (!process.env.NORMALCY_SKIP_RAW) {
      const raw = new OcsvmDetector();
      await raw.fit(split.train, { seed });
      out['raw ocsvm'] = rocAuc(raw.score(split.test), split.labels).toFixed(4);
      out['raw s'] = ((performance.now() - t0) / 1000).toFixed(1);
    }
    t0 = performance.now();
    const d = new CaeOcsvmDetector({ imageShape: [32, 32, 3] });
    await d.fit(split.train, { seed });
    const svmTest = d.score(split.test);
    const svmTrain = d.score(split.train);
    const errTest = d.reconstructionError(split.test);
    const errTrain = d.reconstructionError(split.train);
    out['cae-ocsvm'] = rocAuc(svmTest, split.labels).toFixed(4);
    out['reconstruction'] = rocAuc(errTest, split.labels).toFixed(4);
    out['cae s'] = ((performance.now() - t0) / 1000).toFixed(1);

    const f = d.featureSize;
    const fTr = d.encode(split.train);
    const fTe = d.encode(split.test);
    const lTr = logOf(errTrain);
    const lTe = logOf(errTest);
    const ref = stats(lTr);
    for (const [name, w] of [
      ['features + error', 1],
      ['features + sqrt(F) error', Math.sqrt(f)],
    ] as const) {
      const svm = new OneClassSvm().fit(withError(fTr, f, lTr, ref, w), split.train.length, f + 1, {
        nu: 0.1,
        gamma: 'scale',
      });
      const s = svm.score(withError(fTe, f, lTe, ref, w), split.test.length);
      out[name] = rocAuc(s, split.labels).toFixed(4);
    }
    const zs = stats(svmTrain);
    const ze = stats(lTr);
    const fused = svmTest.map((s, i) => (s - zs.mean) / zs.std + (lTe[i]! - ze.mean) / ze.std);
    out['z(svm) + z(log error)'] = rocAuc(fused, split.labels).toFixed(4);
    console.log(JSON.stringify(out));
  }
}
