// Metrics benchmark (a script, not a test): ROC AUC, PR AUC and VUS-PR on 10
// million seeded random scores with ~5% positives in ranges, and NAB scoring
// of the numenta results on all 58 files. Prints seconds per item and ends
// with one JSON line of the times. Run: node dist/bench/metrics.js [n]
import { join } from 'node:path';
import {
  averagePrecision,
  loadNabCorpus,
  nabScore,
  prAucTrapezoid,
  rocAuc,
  vus,
} from '../src/metrics/index.js';
import { dataset } from '../test/helpers/datasets.js';
import { createRng } from '../src/data/random.js';

/** mulberry32: the library's own generator. */
const rng = (seed: number): (() => number) => createRng(seed).next;

function time<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const v = f();
  return [v, Number(process.hrtime.bigint() - t0) / 1e9];
}

const n = Number(process.argv[2] ?? 10_000_000);
const r = rng(42);
const labels = new Uint8Array(n);
// Ranges of 50..500 samples, spaced so that about 5% of samples are positive.
for (let i = Math.floor(r() * 5000); i < n;) {
  const len = 50 + Math.floor(r() * 451);
  labels.fill(1, i, Math.min(n, i + len));
  i += len + Math.floor(len * 19 * (0.5 + r()));
}
const scores = new Float64Array(n);
for (let i = 0; i < n; i++) scores[i] = r() + 0.4 * labels[i] * r();
let positives = 0;
for (let i = 0; i < n; i++) positives += labels[i];

const times: Record<string, number> = {};
const report = (name: string, seconds: number, value: number | string) => {
  times[name] = Number(seconds.toFixed(3));
  console.log(`${name.padEnd(26)} ${seconds.toFixed(3).padStart(8)} s   ${value}`);
};

console.log(`${n} scores, ${((100 * positives) / n).toFixed(2)}% positive`);
const [auc, tAuc] = time(() => rocAuc(scores, labels));
report('roc_auc', tAuc, auc.toFixed(6));
const [ap, tAp] = time(() => averagePrecision(scores, labels));
report('pr_auc_average_precision', tAp, ap.toFixed(6));
const [pr, tPr] = time(() => prAucTrapezoid(scores, labels));
report('pr_auc_trapezoid', tPr, pr.toFixed(6));
const [v, tVus] = time(() => vus(scores, labels, { maxBuffer: 100 }));
report('vus_pr_L100_T250', tVus, `${v.vusPr.toFixed(6)} (VUS-ROC ${v.vusRoc.toFixed(6)})`);

const nab = dataset('nab');
const [corpus, tLoad] = time(() =>
  loadNabCorpus({ nabDir: nab, resultsDir: join(nab, 'results', 'numenta') }),
);
report('nab_load_58_files', tLoad, `${corpus.files.length} files`);
const [s, tNab] = time(() => nabScore(corpus.files, corpus.profiles));
report(
  'nab_score_3_profiles',
  tNab,
  Object.entries(s)
    .map(([k, x]) => `${k} ${x.score.toFixed(2)}`)
    .join(', '),
);
console.log(JSON.stringify({ n, ...times }));
