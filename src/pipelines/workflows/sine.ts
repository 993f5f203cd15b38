// Sine workflow: dense, LSTM and GRU forecasters trained on normal.csv (first 80%), the
// smoothed prediction error as the anomaly score, a threshold at 1% false positives on the
// held-out normal 20%, and abn.csv scored with its anomaly (from `anomalyStart` on)
// labelled. Settings as in the sine benchmark (../benchmarks/sine.ts): window 25 after downsampling by 4
// (one period is 400 steps), one-step forecasts, the score averaged over one period.
// Writes per network the scores, a score plot and a waveform-vs-prediction plot around
// the anomaly's start, and a metrics table over the networks.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readSeries } from '../../data/read-series.js';
import { sliceRows } from '../../data/series.js';
import { Forecaster, type ForecasterConfig } from '../../detectors/forecaster.js';
import { evaluateScores } from '../../detectors/evaluation.js';
import { thresholdAtFpr } from '../../thresholds/fpr.js';
import { applyThreshold } from '../../thresholds/apply.js';
import { scoreChart, waveformChart, writeChart } from '../../report/index.js';
import { ConfigError } from '../../config/errors.js';
import { writeScoresCsv } from '../../io/scores-csv.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { findIncidents } from '../../alarms/detect-incidents.js';
import { evaluateIncidents } from '../../alarms/incident-evaluation.js';
import { firstScoredStep, markUnscored, scoredPart } from '../../detectors/scored-steps.js';
import { configPath, numberField, round, stringField, writeCsv } from './config-fields.js';
import {
  defineWorkflow,
  type Workflow,
  type WorkflowContext,
  type WorkflowResult,
} from './workflow.js';

const NAME = 'sine';

const NETWORKS: Record<string, Partial<ForecasterConfig>> = {
  dense: { network: 'dense', hidden: [64, 32, 64] },
  lstm: { network: 'lstm', hidden: [32] },
  gru: { network: 'gru', hidden: [32] },
};

function networkList(config: Record<string, unknown>): string[] {
  const v = config.networks ?? Object.keys(NETWORKS);
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    !v.every((n) => typeof n === 'string' && n in NETWORKS)
  ) {
    throw new ConfigError(
      `workflow ${NAME}: networks is ${JSON.stringify(v)}, expected a list of ${Object.keys(NETWORKS).join(', ')}`,
    );
  }
  return v as string[];
}

function readCsvSeries(baseDir: string, path: string) {
  const full = configPath(baseDir, path);
  if (!existsSync(full)) throw new ConfigError(`workflow ${NAME}: ${full} not found`);
  return readSeries(full);
}

async function run(ctx: WorkflowContext): Promise<WorkflowResult> {
  const c = ctx.config;
  const networks = networkList(c);
  const normalPath = stringField(NAME, c, 'normal', '../../../shared/datasets/sine/normal.csv')!;
  const abnPath = stringField(NAME, c, 'abnormal', '../../../shared/datasets/sine/abn.csv')!;
  const fpr = numberField(NAME, c, 'targetFpr', 0.01, { min: 0, max: 1 });
  const validationFraction = numberField(NAME, c, 'validationFraction', 0.2, {
    min: 0.01,
    max: 0.9,
  });
  const epochs = ctx.quick ? 1 : numberField(NAME, c, 'epochs', 5, { int: true, min: 1 });
  let normal = readCsvSeries(ctx.baseDir, normalPath);
  let abn = readCsvSeries(ctx.baseDir, abnPath);
  let anomalyStart = numberField(NAME, c, 'anomalyStart', Math.floor(abn.length / 2), {
    int: true,
    min: 1,
    max: abn.length - 1,
  });
  if (ctx.quick) {
    // 16,000 training and 4,000 held-out normal steps; 20,000 test steps around the change.
    normal = sliceRows(normal, 0, Math.min(normal.length, 20_000));
    const from = Math.max(0, anomalyStart - 10_000);
    abn = sliceRows(abn, from, Math.min(abn.length, anomalyStart + 10_000));
    anomalyStart -= from;
  }
  const cut = Math.floor(normal.length * (1 - validationFraction));
  const train = sliceRows(normal, 0, cut);
  const validation = sliceRows(normal, cut);
  const labels = new Uint8Array(abn.length).fill(1, anomalyStart);
  ctx.log(
    `sine: ${train.length} training steps, ${validation.length} held-out normal steps, ${abn.length} test steps (anomaly from ${anomalyStart})`,
  );
  const common: Partial<ForecasterConfig> = {
    window: numberField(NAME, c, 'window', 25, { int: true, min: 1 }),
    horizon: 1,
    downsample: numberField(NAME, c, 'downsample', 4, { int: true, min: 1 }),
    trainShift: numberField(NAME, c, 'trainShift', 2, { int: true, min: 1 }),
    epochs,
    smoothing: {
      kind: 'moving-average',
      span: numberField(NAME, c, 'smoothingSpan', 100, { int: true, min: 1 }),
    },
  };

  const files: string[] = [];
  const table: (string | number)[][] = [];
  const perNetwork: Record<string, Record<string, number | string>> = {};
  // Waveform plots: three periods before the change and three after.
  const period = numberField(NAME, c, 'plotSteps', 2400, { int: true, min: 10 });
  const plotFrom = Math.max(0, anomalyStart - period / 2);
  const plotTo = Math.min(abn.length, plotFrom + period);
  for (const name of networks) {
    const detector = new Forecaster({ ...common, ...NETWORKS[name]! });
    const t0 = performance.now();
    const training = await detector.fit(train, {
      validation,
      seed: ctx.seed,
      onEpoch: (r) =>
        ctx.log(
          `${name} epoch ${r.epoch}: loss ${r.loss.toExponential(3)}, validation ${r.validationLoss?.toExponential(3)} (${r.seconds.toFixed(1)} s)`,
        ),
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const normalScores = detector.score(validation);
    const threshold = thresholdAtFpr(normalScores, fpr);
    const scores = detector.score(abn);
    const m = evaluateScores(scores, labels, threshold);
    const flags = applyThreshold(scores, threshold);
    const scoresCsv = join(ctx.out, `scores-${name}.csv`);
    writeScoresCsv(scoresCsv, markUnscored(detector, scores), flags);
    files.push(scoresCsv);
    // What a user acts on: the incidents, with the alarms layer's first-run settings.
    const found = findIncidents(markUnscored(detector, scores), {
      threshold: threshold.value,
      targetRate: fpr,
      normalScores: scoredPart(detector, normalScores),
      mergeGapAtLeast: firstScoredStep(detector),
    });
    const incidentEval = evaluateIncidents(found.incidents, labels);
    const incidentsJson = join(ctx.out, `incidents-${name}.json`);
    writeFileAtomic(incidentsJson, JSON.stringify(found.incidents, null, 2) + '\n');
    files.push(incidentsJson);
    const sc = await writeChart(
      join(ctx.out, `score-${name}`),
      scoreChart({
        title: `${name}: smoothed prediction error on abn.csv`,
        scores,
        threshold: threshold.value,
        anomalies: [{ start: anomalyStart, end: abn.length - 1, label: 'amplitude doubled' }],
        series: abn.data,
        seriesNames: ['abn.csv'],
        scoreTitle: 'score',
      }),
    );
    // Predictions need the window before the plotted range.
    const context = common.window! * common.downsample!;
    const predFrom = Math.max(0, plotFrom - context);
    const predicted = detector.predict(sliceRows(abn, predFrom, plotTo));
    const offset = plotFrom - predFrom;
    const wc = await writeChart(
      join(ctx.out, `waveform-${name}`),
      waveformChart({
        title: `${name}: abn.csv and its one-step forecast around step ${anomalyStart}`,
        actual: abn.data.subarray(plotFrom, plotTo),
        predicted: predicted.subarray(offset),
        x: Float64Array.from({ length: plotTo - plotFrom }, (_, i) => plotFrom + i),
        xTitle: 'step',
      }),
    );
    files.push(sc.svgPath, sc.pngPath, wc.svgPath, wc.pngPath);
    const row = {
      network: name,
      auc_roc: round(m.auc_roc),
      auc_pr: round(m.auc_pr),
      threshold: round(threshold.value),
      realised_fpr_validation: round(threshold.realisedFpr),
      fpr_test_normal: round(m.fpr),
      incidents: found.incidents.length,
      incident_precision: round(incidentEval.precision),
      incident_recall: round(incidentEval.recall),
      precision: round(m.precision),
      recall: round(m.recall),
      f1: round(m.f1),
      epochs: training.epochs,
      final_loss: round(training.finalLoss),
      train_seconds: round(trainSeconds, 4),
    };
    perNetwork[name] = row;
    table.push(Object.values(row));
    ctx.log(
      `${name}: AUC-ROC ${row.auc_roc}, AUC-PR ${row.auc_pr}, F1 ${row.f1} at ${fpr} FPR; ${row.incidents} incident(s), precision ${row.incident_precision}, recall ${row.incident_recall} (${row.train_seconds} s training)`,
    );
  }
  const metricsCsv = join(ctx.out, 'metrics.csv');
  writeCsv(metricsCsv, Object.keys(perNetwork[networks[0]!]!), table);
  files.push(metricsCsv);
  return {
    summary: {
      steps: { train: train.length, validation: validation.length, test: abn.length, anomalyStart },
      targetFpr: fpr,
      settings: common,
      networks: perNetwork,
    },
    files,
  };
}

export const sineWorkflow: Workflow = defineWorkflow(
  NAME,
  'dense, LSTM and GRU forecasters on the sine data; threshold at 1% FPR',
  run,
);
