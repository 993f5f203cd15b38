// DSADS with the AMSL protocol: 14 normal activities, 5 abnormal (a05, a06,
// a12, a18, a19); normal segments shuffled, 60% train, 40% test, every abnormal
// segment test; threshold at the 98th percentile of the training scores;
// accuracy, macro precision, macro recall and mF1 beside the published AMSL row.
import { dsadsPersons, readDsads, type DsadsSegment } from '../../data/dsads.js';
import { DataError } from '../../data/errors.js';
import { amslSplit } from '../../data/amsl.js';
import { createSeries, stackSeries, type Series } from '../../data/series.js';
import { AmslDetector, type AmslConfig } from '../../detectors/amsl.js';
import type { TrainingSummary } from '../../detectors/detector.js';
import { AMSL_VIEWS } from '../../models/amsl-views.js';
import { confusionMatrix } from '../../metrics/confusion.js';
import { accuracy } from '../../metrics/classification.js';
import { macroF1, macroPrecision, macroRecall } from '../../metrics/macro.js';
import { rocAuc } from '../../metrics/roc.js';
import { thresholdAtPercentile } from '../../thresholds/percentile.js';
import {
  datasetDir,
  fmt,
  mdTable,
  onlyDetectorFields,
  type BenchContext,
  type BenchOutcome,
} from './run-record.js';

/** AMSL, TKDE 2022, DSADS (all 8 persons), and the baselines' mF1 from the same table. */
export const AMSL_PUBLISHED = {
  AMSL: { macroPrecision: 0.9407, macroRecall: 0.9298, mF1: 0.9352, accuracy: 0.9332 },
  UODA: { mF1: 0.8475 },
  GDN: { mF1: 0.8419 },
  'LSTM-AE': { mF1: 0.8083 },
  OCSVM: { mF1: 0.7439 },
};

function asRows(segments: readonly DsadsSegment[]): Series {
  const { data } = stackSeries(segments.map((s) => s.series));
  return createSeries({ data, channels: data.length / segments.length });
}

/** The prediction batch of the authors' code (train.py, batch 16). */
const AUTHORS_BATCH = 16;

/** Each value replaced by the mean of its batch of `size` consecutive values (the last batch may be shorter). */
function batchMeans(values: Float32Array, size: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += size) {
    const batch = values.subarray(i, Math.min(values.length, i + size));
    out.fill(batch.reduce((a, b) => a + b, 0) / batch.length, i, i + batch.length);
  }
  return out;
}

/** Per-segment scores: the sums of the [n, views] per-view MSEs (in view order, as score() adds them). */
function sumViews(perView: Float32Array, n: number): Float32Array {
  const views = AMSL_VIEWS.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) for (let v = 0; v < views; v++) out[i]! += perView[i * views + v]!;
  return out;
}

/**
 * Per test activity: segments, share flagged, and each view's mean MSE over
 * the normal test segments' mean for that view.
 */
function activityBreakdown(
  test: readonly DsadsSegment[],
  labels: Uint8Array,
  perView: Float32Array,
  predicted: Uint8Array,
): Record<string, { segments: number; flagged: number; viewRatio: Record<string, number> }> {
  const views = AMSL_VIEWS.length;
  const normalMean = new Float64Array(views);
  let normals = 0;
  test.forEach((_, i) => {
    if (labels[i]) return;
    normals++;
    for (let v = 0; v < views; v++) normalMean[v]! += perView[i * views + v]!;
  });
  const out: Record<
    string,
    { segments: number; flagged: number; viewRatio: Record<string, number> }
  > = {};
  for (const activity of [...new Set(test.map((s) => s.activity))].sort((a, b) => a - b)) {
    const idx = test.flatMap((s, i) => (s.activity === activity ? [i] : []));
    const viewRatio: Record<string, number> = {};
    AMSL_VIEWS.forEach((name, v) => {
      const mean = idx.reduce((a, i) => a + perView[i * views + v]!, 0) / idx.length;
      viewRatio[name] = Number((mean / (normalMean[v]! / normals)).toFixed(3));
    });
    out[`a${String(activity).padStart(2, '0')}${labels[idx[0]!] ? ' (abnormal)' : ''}`] = {
      segments: idx.length,
      flagged: Number((idx.reduce((a, i) => a + predicted[i]!, 0) / idx.length).toFixed(3)),
      viewRatio,
    };
  }
  return out;
}

/** The epochs trained, in words: a fixed count, or early stopping's settings and where it stopped. */
function epochsText(c: AmslConfig, summary: TrainingSummary): string {
  if (c.patience === 0) return `${c.epochs} epoch(s)`;
  const monitored =
    c.validationSplit > 0
      ? `the mean score of ${c.validationSplit * 100}% of the training segments, held out`
      : 'the training loss';
  return `at most ${c.epochs} epochs with early stopping (patience ${c.patience}, min delta ${c.minDelta}, monitoring ${monitored}): ran ${summary.epochs}, best ${summary.bestEpoch}`;
}

export async function runDsads(ctx: BenchContext): Promise<BenchOutcome> {
  const root = datasetDir(ctx.dataDir, 'dsads', 'a01');
  // Every person present (the paper: all 8), or those asked for with --persons.
  // Quick: the first of them, segments 1..4 of every activity, 1 epoch, tiny widths.
  const present = dsadsPersons(root);
  const asked = ctx.persons ?? present;
  const absent = asked.filter((p) => !present.includes(p));
  if (absent.length > 0)
    throw new DataError(
      root,
      `no segments found for person ${absent.join(', ')} (present: ${present.join(', ')})`,
    );
  const persons = ctx.quick ? asked.slice(0, 1) : asked;
  const segmentsWanted = ctx.quick ? [1, 2, 3, 4] : undefined;
  const config: Partial<AmslConfig> = {
    ...(ctx.quick
      ? { hidden: [8, 4], memoryItems: 10, epochs: 1, batchSize: 16 }
      : { hidden: [32, 16, 16], memoryItems: 500, epochs: 20, batchSize: 32 }),
    ...onlyDetectorFields<AmslConfig>(ctx.set, 'amsl', 'dsads runs amsl only'),
  };
  const t0 = performance.now();
  const segments = readDsads(root, { persons, segments: segmentsWanted });
  const readSeconds = (performance.now() - t0) / 1000;
  const split = amslSplit(segments, { seed: ctx.seed });
  const train = asRows(split.train);
  const detector = new AmslDetector(config);
  const t1 = performance.now();
  const summary = await detector.fit(train, { seed: ctx.seed });
  const trainSeconds = (performance.now() - t1) / 1000;
  const trainScores = await detector.scoreAsync(train);
  const t2 = performance.now();
  const viewScores = await detector.viewScoresAsync(asRows(split.test));
  const testScores = sumViews(viewScores, split.test.length);
  const scoreSeconds = (performance.now() - t2) / 1000;
  const threshold = thresholdAtPercentile(trainScores, 98).value;
  const predicted = Uint8Array.from(testScores, (s) => (s > threshold ? 1 : 0));
  const perActivity = activityBreakdown(split.test, split.testLabels, viewScores, predicted);
  const c = confusionMatrix(predicted, split.testLabels);
  const abnormal = split.testLabels.reduce((a, b) => a + b, 0);
  const ours = {
    accuracy: accuracy(c),
    macroPrecision: macroPrecision(c),
    macroRecall: macroRecall(c),
    mF1: macroF1(c),
    aucRoc: rocAuc(testScores, split.testLabels),
  };
  ctx.log(
    `dsads: acc ${fmt(ours.accuracy)} mPre ${fmt(ours.macroPrecision)} mRec ${fmt(ours.macroRecall)} mF1 ${fmt(ours.mF1)}; training ${trainSeconds.toFixed(1)} s`,
  );
  // Not our detector: what the authors' code reports, whose per-segment score
  // is the mean over its prediction batch of 16 (docs/amsl-fidelity.md, row 18).
  const normalTest = testScores.length - abnormal;
  const batchTrain = batchMeans(trainScores, AUTHORS_BATCH);
  const batchTest = new Float32Array(testScores.length);
  batchTest.set(batchMeans(testScores.subarray(0, normalTest), AUTHORS_BATCH));
  batchTest.set(batchMeans(testScores.subarray(normalTest), AUTHORS_BATCH), normalTest);
  const batchThreshold = thresholdAtPercentile(batchTrain, 98).value;
  const cb = confusionMatrix(
    Uint8Array.from(batchTest, (v) => (v >= batchThreshold ? 1 : 0)),
    split.testLabels,
  );
  const authorsBatchMean = {
    accuracy: accuracy(cb),
    macroPrecision: macroPrecision(cb),
    macroRecall: macroRecall(cb),
    mF1: macroF1(cb),
  };
  const p = AMSL_PUBLISHED.AMSL;
  const table = mdTable(
    ['', 'accuracy', 'macro precision', 'macro recall', 'mF1'],
    [
      [
        `normalcy amsl (p${persons.join('+p')})`,
        fmt(ours.accuracy),
        fmt(ours.macroPrecision),
        fmt(ours.macroRecall),
        fmt(ours.mF1),
      ],
      [
        'AMSL published (8 persons)',
        fmt(p.accuracy),
        fmt(p.macroPrecision),
        fmt(p.macroRecall),
        fmt(p.mF1),
      ],
      ...(['UODA', 'GDN', 'LSTM-AE', 'OCSVM'] as const).map((k) => [
        `${k} published`,
        '',
        '',
        '',
        fmt(AMSL_PUBLISHED[k].mF1),
      ]),
    ],
  );
  return {
    title: 'DSADS, AMSL protocol: amsl detector',
    protocol: [
      `Data: persons ${persons.join(', ')} (${ctx.persons ? 'asked with --persons' : 'every person under the data directory'}; present: ${present.join(', ')})${segmentsWanted ? `, segments ${segmentsWanted.join(', ')} of each activity (quick)` : ', all 60 segments of each activity'}: ${segments.length} segments of 125 x 45. The paper uses all 8 persons; with fewer, these numbers are for development, not a comparison.`,
      `Split (amslSplit, seed ${ctx.seed}): normal = the 14 activities other than a05, a06, a12, a18, a19; normal segments shuffled, 60% train (${split.train.length}), 40% test (${split.testLabels.length - abnormal}); every abnormal segment is test (${abnormal}).`,
      `Detector: amsl with hidden ${JSON.stringify(config.hidden)}, ${config.memoryItems} memory items (global and per view), ${epochsText(detector.config, summary)}, batch ${config.batchSize}; seven views, global and local memories, loss weights as in the authors' code (docs/amsl-fidelity.md lists the differences: 1-D instead of 2-D convolutions, ${summary.epochs} instead of 100 epochs, per-segment scores instead of the code's batch means, scaling fitted on training data only).`,
      'Threshold: the 98th percentile of the training scores; a test segment scoring above it is abnormal.',
      'Metrics: accuracy; macro precision and macro recall (means over the normal and the abnormal class); mF1 = harmonic mean of macro precision and macro recall. AUC-ROC is added for reference (not in the paper).',
      "Per activity (results.json perActivity): test segments, share flagged, and each view's mean MSE over the normal test segments' mean for that view (which view sees the activity as unusual).",
      "authorsBatchMean (results.json, not our detector): the metrics the authors' code would report from these scores, where every segment's score is the mean over its prediction batch of 16 (training set in its shuffled order, normal test likewise, abnormal test ordered by activity, person, segment) and a score >= the threshold is abnormal.",
    ],
    results: {
      ...ours,
      confusion: c,
      threshold,
      persons,
      personsPresent: present,
      perActivity,
      authorsBatchMean,
      trainSegments: split.train.length,
      testNormal: split.testLabels.length - abnormal,
      testAbnormal: abnormal,
      config,
      epochs: summary.epochs,
      bestEpoch: summary.bestEpoch,
      stoppedEarly: summary.stoppedEarly,
      readSeconds,
      trainSeconds,
      scoreSeconds,
    },
    published: { source: 'AMSL (Zhang et al., TKDE 2022), DSADS, 8 persons', ...AMSL_PUBLISHED },
    markdown: table,
    headline: ours,
  };
}
