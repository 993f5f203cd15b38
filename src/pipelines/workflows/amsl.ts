// Workflow `amsl`: AMSL on a DSADS folder with the AMSL protocol. Normal
// segments (14 activities) are shuffled with the seed, 60% train and 40% test;
// every abnormal segment (a05, a06, a12, a18, a19) is test. The threshold is the
// 98th percentile of the training scores. Writes the metrics table (accuracy,
// macro precision, macro recall, mF1), the per-activity flag rates, the train
// and test score CSVs, and a score chart and ROC chart of the test segments.
import { join, resolve } from 'node:path';
import { readDsads, type DsadsSegment } from '../../data/dsads.js';
import { amslSplit, AMSL_ABNORMAL_ACTIVITIES } from '../../data/amsl.js';
import { createSeries, stackSeries, type Series } from '../../data/series.js';
import { AmslDetector, type AmslConfig } from '../../detectors/amsl.js';
import { confusionMatrix } from '../../metrics/confusion.js';
import { accuracy } from '../../metrics/classification.js';
import { macroF1, macroPrecision, macroRecall } from '../../metrics/macro.js';
import { rocAuc, rocCurve } from '../../metrics/roc.js';
import { thresholdAtPercentile } from '../../thresholds/percentile.js';
import { scoreChart } from '../../report/score-chart.js';
import { rocChart } from '../../report/roc-chart.js';
import { writeChart } from '../../report/write-chart.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { DETECTOR_SCHEMAS } from '../../detectors/config-schemas.js';
import type { Schema } from '../../config/schema.js';
import { validatePartialConfig } from './partial-config.js';
import { ConfigError } from '../../config/errors.js';
import {
  defineWorkflow,
  type Workflow,
  type WorkflowContext,
  type WorkflowResult,
} from './workflow.js';

/** Fields of examples/amsl/config.yaml. */
export const AMSL_WORKFLOW_SCHEMA: Schema = {
  dsads: { type: 'string' },
  persons: { type: 'int[]', min: 1, minLength: 1 },
  segments: { type: 'int[]', min: 1, minLength: 1 },
  abnormalActivities: { type: 'int[]', min: 1, minLength: 1 },
  trainFraction: { type: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  percentile: { type: 'number', min: 0, max: 100 },
};

interface AmslWorkflowSettings {
  dsads: string;
  persons: number[];
  segments?: number[];
  abnormalActivities: number[];
  trainFraction: number;
  percentile: number;
  model: Partial<AmslConfig>;
}

/** --quick: the first person, 4 segments per activity, 1 epoch of a tiny network. */
const QUICK_MODEL: Partial<AmslConfig> = {
  hidden: [4, 4],
  memoryItems: 5,
  epochs: 1,
  batchSize: 32,
};

function settings(ctx: WorkflowContext): AmslWorkflowSettings {
  // `model`: the AMSL detector's settings, any subset.
  validatePartialConfig(ctx.config, AMSL_WORKFLOW_SCHEMA, { model: DETECTOR_SCHEMAS.amsl! });
  const c = ctx.config as Partial<AmslWorkflowSettings>;
  if (c.dsads === undefined)
    throw new ConfigError('config: dsads (the DSADS folder, aXX/pY/sZZ.txt) is required');
  const s: AmslWorkflowSettings = {
    dsads: resolve(ctx.baseDir, c.dsads),
    persons: c.persons ?? [1, 2],
    segments: c.segments,
    abnormalActivities: c.abnormalActivities ?? [...AMSL_ABNORMAL_ACTIVITIES],
    trainFraction: c.trainFraction ?? 0.6,
    percentile: c.percentile ?? 98,
    model: { ...(c.model ?? {}) },
  };
  if (ctx.quick) {
    s.persons = s.persons.slice(0, 1);
    s.segments = (s.segments ?? Array.from({ length: 60 }, (_, i) => i + 1)).slice(0, 4);
    s.model = { ...s.model, ...QUICK_MODEL };
  }
  return s;
}

/** Segments as one Series row each (length x sensors values, time-major). */
function asRows(segments: readonly DsadsSegment[]): Series {
  const { data } = stackSeries(segments.map((s) => s.series));
  return createSeries({ data, channels: data.length / segments.length });
}

const num = (v: number) => (Number.isFinite(v) ? +v.toFixed(6) : v);

function scoresCsv(
  segments: readonly DsadsSegment[],
  scores: Float32Array,
  flagged: Uint8Array,
  labels?: Uint8Array,
): string {
  const lines = [`activity,person,segment,${labels ? 'label,' : ''}score,flagged`];
  segments.forEach((s, i) => {
    const label = labels ? `${labels[i]},` : '';
    lines.push(`${s.activity},${s.person},${s.segment},${label}${scores[i]},${flagged[i]}`);
  });
  return lines.join('\n') + '\n';
}

async function run(ctx: WorkflowContext): Promise<WorkflowResult> {
  const s = settings(ctx);
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const path = join(ctx.out, name);
    writeFileAtomic(path, text);
    files.push(path);
  };

  const t0 = performance.now();
  const segments = readDsads(s.dsads, { persons: s.persons, segments: s.segments });
  const readSeconds = (performance.now() - t0) / 1000;
  const split = amslSplit(segments, {
    seed: ctx.seed,
    trainFraction: s.trainFraction,
    abnormalActivities: s.abnormalActivities,
  });
  const labels = split.testLabels;
  const abnormalCount = labels.reduce((a, b) => a + b, 0);
  if (split.train.length === 0 || abnormalCount === 0 || abnormalCount === labels.length)
    throw new ConfigError(
      `config: the split has ${split.train.length} training segments, ${labels.length - abnormalCount} normal and ${abnormalCount} abnormal test segments; each must be at least 1`,
    );
  ctx.log(
    `${segments.length} segments of persons ${s.persons.join(', ')} read in ${readSeconds.toFixed(1)} s; ` +
      `train ${split.train.length}, test ${labels.length - abnormalCount} normal + ${abnormalCount} abnormal`,
  );

  const detector = new AmslDetector(s.model);
  const train = asRows(split.train);
  const summary = await detector.fit(train, {
    seed: ctx.seed,
    onEpoch: (r) =>
      ctx.log(`epoch ${r.epoch}: loss ${r.loss.toFixed(4)} (${r.seconds.toFixed(1)} s)`),
  });
  const t1 = performance.now();
  const trainScores = await detector.scoreAsync(train);
  const testScores = await detector.scoreAsync(asRows(split.test));
  const scoreSeconds = (performance.now() - t1) / 1000;

  const threshold = thresholdAtPercentile(trainScores, s.percentile).value;
  const flag = (v: Float32Array) => Uint8Array.from(v, (x) => (x > threshold ? 1 : 0));
  const trainFlagged = flag(trainScores);
  const testFlagged = flag(testScores);
  const c = confusionMatrix(testFlagged, labels);
  const metrics = {
    accuracy: accuracy(c),
    macroPrecision: macroPrecision(c),
    macroRecall: macroRecall(c),
    mF1: macroF1(c),
    aucRoc: rocAuc(testScores, labels),
  };

  write(
    'metrics.csv',
    'set,segments,normal,abnormal,threshold,tp,fp,tn,fn,accuracy,macro_precision,macro_recall,mF1,auc_roc\n' +
      [
        'test',
        labels.length,
        labels.length - abnormalCount,
        abnormalCount,
        num(threshold),
        c.tp,
        c.fp,
        c.tn,
        c.fn,
        num(metrics.accuracy),
        num(metrics.macroPrecision),
        num(metrics.macroRecall),
        num(metrics.mF1),
        num(metrics.aucRoc),
      ].join(',') +
      '\n',
  );
  // Share of each activity's test segments flagged (the abnormal rows are the recall per activity).
  const perActivity = new Map<number, { n: number; flagged: number; abnormal: boolean }>();
  split.test.forEach((seg, i) => {
    const e = perActivity.get(seg.activity) ?? { n: 0, flagged: 0, abnormal: labels[i] === 1 };
    e.n++;
    e.flagged += testFlagged[i]!;
    perActivity.set(seg.activity, e);
  });
  write(
    'activities.csv',
    'activity,abnormal,test_segments,flagged,flagged_fraction\n' +
      [...perActivity.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([a, e]) => `${a},${e.abnormal ? 1 : 0},${e.n},${e.flagged},${num(e.flagged / e.n)}`)
        .join('\n') +
      '\n',
  );
  write('train-scores.csv', scoresCsv(split.train, trainScores, trainFlagged));
  write('test-scores.csv', scoresCsv(split.test, testScores, testFlagged, labels));

  const firstAbnormal = labels.indexOf(1);
  const scorePlot = await writeChart(
    join(ctx.out, 'test-scores'),
    scoreChart({
      title: `AMSL scores of the test segments (threshold: ${s.percentile}th percentile of training scores)`,
      scores: testScores,
      threshold,
      anomalies: [{ start: firstAbnormal, end: labels.length - 1, label: 'abnormal activities' }],
      xTitle: 'test segment (normal, then abnormal)',
      scoreTitle: 'score',
    }),
  );
  const roc = rocCurve(testScores, labels);
  const rocPlot = await writeChart(
    join(ctx.out, 'roc'),
    rocChart({
      title: 'ROC of the test segments',
      curves: { name: 'AMSL', fpr: roc.fpr, tpr: roc.tpr, auc: metrics.aucRoc },
    }),
  );
  files.push(scorePlot.pngPath, scorePlot.svgPath, rocPlot.pngPath, rocPlot.svgPath);

  ctx.log(
    `acc ${metrics.accuracy.toFixed(4)} mPre ${metrics.macroPrecision.toFixed(4)} ` +
      `mRec ${metrics.macroRecall.toFixed(4)} mF1 ${metrics.mF1.toFixed(4)} AUC ${metrics.aucRoc.toFixed(4)}`,
  );
  return {
    summary: {
      dsads: s.dsads,
      persons: s.persons,
      segmentsRead: segments.length,
      train: split.train.length,
      testNormal: labels.length - abnormalCount,
      testAbnormal: abnormalCount,
      abnormalActivities: s.abnormalActivities,
      model: detector.config,
      percentile: s.percentile,
      threshold,
      confusion: c,
      ...metrics,
      epochs: summary.epochs,
      finalLoss: summary.finalLoss,
      trainSeconds: +summary.seconds.toFixed(1),
      scoreSeconds: +scoreSeconds.toFixed(1),
      readSeconds: +readSeconds.toFixed(1),
    },
    files,
  };
}

export const amslWorkflow: Workflow = defineWorkflow(
  'amsl',
  'AMSL on DSADS: seeded AMSL split, 98th-percentile threshold, accuracy / macro P / macro R / mF1',
  run,
);
