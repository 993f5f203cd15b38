// AMSL on DSADS, the AMSL protocol (a script, not a test): normal = 14 activities,
// abnormal = a05, a06, a12, a18, a19; normal segments shuffled (seeded), 60% train,
// 40% normal test, every abnormal segment is test; threshold = 98th percentile of
// the training scores. Prints accuracy, macro precision / recall, mF1 and training
// time per run; the last line is one JSON object of all runs.
//
// Run: node dist/bench/dsads-amsl.js [--groups 1/2/1,2] [--epochs 20]
//        [--hidden 32,16,16] [--memory 50] [--batch 32] [--seed 1] [--threads 1]
// Each '/'-separated group of persons is one run (train and test on those persons
// only): by default p1 alone, p2 alone and p1 + p2 pooled.
import { parseArgs } from 'node:util';
import { readDsads, type DsadsSegment } from '../src/data/dsads.js';
import { amslSplit } from '../src/data/amsl.js';
import { createSeries, stackSeries, type Series } from '../src/data/series.js';
import { AmslDetector } from '../src/detectors/amsl.js';
import { confusionMatrix } from '../src/metrics/confusion.js';
import { accuracy } from '../src/metrics/classification.js';
import { macroF1, macroPrecision, macroRecall } from '../src/metrics/macro.js';
import { thresholdAtPercentile } from '../src/thresholds/percentile.js';
import { setNumThreads } from '../src/engine/index.js';
import { dataset } from '../test/helpers/datasets.js';

const { values: args } = parseArgs({
  options: {
    groups: { type: 'string', default: '1/2/1,2' },
    epochs: { type: 'string', default: '20' },
    hidden: { type: 'string', default: '32,16,16' },
    memory: { type: 'string', default: '50' },
    batch: { type: 'string', default: '32' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
  },
});
const list = (s: string) => s.split(',').map(Number);
const seed = Number(args.seed);
setNumThreads(Number(args.threads));

const config = {
  hidden: list(args.hidden),
  memoryItems: Number(args.memory),
  epochs: Number(args.epochs),
  batchSize: Number(args.batch),
};

function asRows(segments: readonly DsadsSegment[]): Series {
  const { data } = stackSeries(segments.map((s) => s.series));
  return createSeries({ data, channels: data.length / segments.length });
}

async function run(group: number[]) {
  const t0 = performance.now();
  const segments = readDsads(dataset('dsads'), { persons: group });
  const readSeconds = (performance.now() - t0) / 1000;
  const split = amslSplit(segments, { seed });
  const detector = new AmslDetector(config);
  const summary = await detector.fit(asRows(split.train), {
    seed,
    onEpoch: (r) =>
      console.log(`  epoch ${r.epoch}: loss ${r.loss.toFixed(4)} (${r.seconds.toFixed(1)} s)`),
  });
  const trainScores = detector.score(asRows(split.train));
  const t1 = performance.now();
  const testScores = detector.score(asRows(split.test));
  const scoreSeconds = (performance.now() - t1) / 1000;
  const threshold = thresholdAtPercentile(trainScores, 98).value;
  const predicted = Uint8Array.from(testScores, (s) => (s > threshold ? 1 : 0));
  const c = confusionMatrix(predicted, split.testLabels);
  const result = {
    persons: group,
    train: split.train.length,
    testNormal: split.testLabels.length - split.testLabels.reduce((a, b) => a + b, 0),
    testAbnormal: split.testLabels.reduce((a, b) => a + b, 0),
    accuracy: accuracy(c),
    macroPrecision: macroPrecision(c),
    macroRecall: macroRecall(c),
    mF1: macroF1(c),
    confusion: c,
    threshold,
    trainSeconds: summary.seconds,
    scoreSeconds,
    readSeconds,
  };
  const f = (v: number) => v.toFixed(4);
  console.log(
    `p${group.join('+p')}: train ${result.train}, test ${result.testNormal} normal + ${result.testAbnormal} abnormal; ` +
      `acc ${f(result.accuracy)} mPre ${f(result.macroPrecision)} mRec ${f(result.macroRecall)} mF1 ${f(result.mF1)}; ` +
      `training ${summary.seconds.toFixed(1)} s (${summary.epochs} epochs), scoring ${scoreSeconds.toFixed(1)} s`,
  );
  return result;
}

const groups = args.groups.split('/').map(list);
const results = [];
for (const g of groups) results.push(await run(g));
console.log(JSON.stringify({ detector: 'amsl', config, seed, results }));
