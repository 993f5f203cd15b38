// Sine protocol for the three forecasters: train on the first 80% of
// normal.csv, validate on the rest, threshold at 1% FPR on the validation
// scores, evaluate abn.csv with its second half labelled anomalous.
// Usage: node dist/bench/sine-forecasters.js [--epochs 5] [--seed 0]
import { join, resolve } from 'node:path';
import { readSeries } from '../src/data/read-series.js';
import { sliceRows } from '../src/data/series.js';
import { Forecaster, type ForecasterConfig } from '../src/detectors/forecaster.js';
import { evaluateScores } from '../src/detectors/evaluation.js';
import { thresholdAtFpr } from '../src/thresholds/fpr.js';
import { packageRoot } from '../src/version.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const epochs = flag('--epochs', 5);
const seed = flag('--seed', 0);
const dir = resolve(packageRoot(), '..', 'shared', 'datasets', 'sine');
const normal = readSeries(join(dir, 'normal.csv'));
const abn = readSeries(join(dir, 'abn.csv'));
const cut = Math.floor(normal.length * 0.8);
const train = sliceRows(normal, 0, cut);
const validation = sliceRows(normal, cut);
const labels = new Uint8Array(abn.length).fill(1, abn.length / 2);

// Shared settings: one sine period is 400 steps; downsampling by 4 keeps 100
// points per period and the score is averaged over one period.
const common: Partial<ForecasterConfig> = {
  window: 25,
  horizon: 1,
  downsample: 4,
  trainShift: 2,
  epochs,
  smoothing: { kind: 'moving-average', span: 100 },
};
const networks: [string, Partial<ForecasterConfig>][] = [
  ['dense', { network: 'dense', hidden: [64, 32, 64] }],
  ['lstm', { network: 'lstm', hidden: [32] }],
  ['gru', { network: 'gru', hidden: [32] }],
];

const summary: Record<string, unknown> = { epochs, seed };
for (const [name, cfg] of networks) {
  const d = new Forecaster({ ...common, ...cfg });
  const t0 = performance.now();
  const s = await d.fit(train, { validation, seed });
  const t1 = performance.now();
  const normalScores = d.score(validation);
  const threshold = thresholdAtFpr(normalScores, 0.01);
  const scores = d.score(abn);
  const t2 = performance.now();
  const m = evaluateScores(scores, labels, threshold);
  const row = {
    auc_roc: +m.auc_roc.toFixed(5),
    auc_pr: +m.auc_pr.toFixed(5),
    threshold: +threshold.value.toPrecision(5),
    realised_fpr_validation: +threshold.realisedFpr.toFixed(5),
    fpr_test_normal_half: +m.fpr.toFixed(5),
    precision: +m.precision.toFixed(4),
    recall: +m.recall.toFixed(4),
    f1: +m.f1.toFixed(4),
    train_s: +((t1 - t0) / 1000).toFixed(1),
    score_s: +((t2 - t1) / 1000).toFixed(1),
    epochs: s.epochs,
  };
  summary[name] = row;
  console.log(
    `${name}: AUC-ROC ${row.auc_roc}, AUC-PR ${row.auc_pr}, at 1% FPR: realised FPR ${row.fpr_test_normal_half} on the normal half, F1 ${row.f1}; training ${row.train_s} s, scoring ${row.score_s} s`,
  );
}
console.log(JSON.stringify(summary));
