// `normalcy demo`: the end-to-end run on the sine data (generated, seeded, unless
// --data-dir names a folder with normal.csv and abn.csv). Trains an LSTM
// forecaster on normal data, sets the threshold at 1% false positives on
// held-out normal data, scores the abnormal file (its second half is the
// anomaly) into incidents, and writes the model, scores, metrics and the
// incident report.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { sliceRows } from '../../data/series.js';
import { evaluateScores } from '../../detectors/evaluation.js';
import { thresholdAtTargetRate } from '../../thresholds/target-rate.js';
import { applyThreshold } from '../../thresholds/apply.js';
import { detectorIncidents } from '../../alarms/detector-incidents.js';
import { evaluateIncidents } from '../../alarms/incident-evaluation.js';
import { incidentSummary } from '../../alarms/incident-files.js';
import { scoredPart } from '../../detectors/scored-steps.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { DEFAULT_SEED } from '../../data/random.js';
import { sineDemoData, sineDemoForecaster, SINE_ANOMALY_FROM } from '../../pipelines/sine-demo.js';
import type { Series } from '../../data/series.js';
import { writeIncidentReport } from '../../report/incident-report.js';
import { flatMetrics, intFlag, progress, writeScoresCsv, fitWithProgress } from '../common.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'end-to-end demo on the sine data: train, threshold at 1% FPR, find incidents, evaluate, write the report',
    )
    .option('--out <dir>', 'output directory', 'demo-out')
    .option(
      '--data-dir <dir>',
      'folder with normal.csv and abn.csv (default: generate the sine data, seeded by --seed)',
    )
    .option('--epochs <n>', 'training epochs', intFlag('--epochs'), 5)
    .option('--seed <n>', 'random seed', intFlag('--seed', 0), DEFAULT_SEED)
    .addHelpText('after', '\nExample:\n  normalcy demo --out demo-out')
    .action(async (f: { out: string; dataDir?: string; epochs: number; seed: number }) => {
      const started = performance.now();
      const { normal, abn } = sineData(f.dataDir, f.seed);
      const cut = Math.floor(normal.length * 0.8);
      const train = sliceRows(normal, 0, cut);
      const validation = sliceRows(normal, cut);
      progress(
        `sine: ${train.length} training steps, ${validation.length} held-out normal steps, ${abn.length} test steps`,
      );
      const detector = sineDemoForecaster({ trainShift: 2, epochs: f.epochs });
      const summary = await fitWithProgress(
        detector,
        train,
        { validation, seed: f.seed },
        f.epochs,
      );
      const normalScores = scoredPart(detector, detector.score(validation));
      const { threshold } = thresholdAtTargetRate(normalScores, 0.01);
      const labels = new Uint8Array(abn.length);
      labels.fill(1, SINE_ANOMALY_FROM);
      const found = detectorIncidents(detector, abn, {
        threshold: threshold.value,
        targetRate: 0.01,
        normalScores,
      });
      const scores = found.scores;
      // Steps before the first full window have no score: evaluated on the scored ones.
      const first = scores.findIndex((v) => Number.isFinite(v));
      const metrics = evaluateScores(scores.subarray(first), labels.subarray(first), threshold);
      const incidentEvaluation = evaluateIncidents(found.incidents, labels);
      const out = resolve(f.out);
      detector.save(join(out, 'model'), { threshold: { ...threshold }, normalScores });
      writeScoresCsv(
        join(out, 'scores.csv'),
        scores,
        applyThreshold(
          scores.map((v) => (Number.isFinite(v) ? v : -Infinity)),
          threshold,
        ),
        { contributions: found.contributions, names: found.contributionNames },
      );
      progress('writing the report and plots');
      const report = await writeIncidentReport(out, {
        title: 'normalcy demo: sine',
        subtitle: 'LSTM forecaster, threshold at 1% false positives on held-out normal data',
        config: {
          dataset: f.dataDir ?? 'generated sine',
          seed: f.seed,
          detector: { ...detector.config },
          incident_rules: found.settings.rules,
        },
        metrics: flatMetrics(metrics),
        series: abn,
        scores,
        threshold: threshold.value,
        incidents: found.incidents,
        ...(found.drift ? { drift: found.drift, absorbed: found.absorbed } : {}),
        normalScores,
        labels,
        history: summary.history,
        targetFpr: 0.01,
      });
      const seconds = (performance.now() - started) / 1000;
      writeFileAtomic(
        join(out, 'metrics.json'),
        JSON.stringify(
          {
            dataset: 'sine',
            detector: detector.config,
            seed: f.seed,
            training: { epochs: summary.epochs, seconds: summary.seconds },
            threshold,
            metrics,
            incidents: found.incidents,
            incident_evaluation: {
              precision: incidentEvaluation.precision,
              recall: incidentEvaluation.recall,
              true_positives: incidentEvaluation.truePositives,
              false_positives: incidentEvaluation.falsePositives,
            },
            drift: found.drift ?? null,
            seconds,
          },
          null,
          2,
        ) + '\n',
      );
      console.log(incidentSummary(found.incidents, abn.length, undefined, found.drift));
      console.log(
        `incidents: precision ${incidentEvaluation.precision.toFixed(4)}, recall ${incidentEvaluation.recall.toFixed(4)} (${incidentEvaluation.truePositives} true, ${incidentEvaluation.falsePositives} false)`,
      );
      console.log(
        `AUC-ROC ${metrics.auc_roc.toFixed(4)}, AUC-PR ${metrics.auc_pr.toFixed(4)}; at 1% FPR on held-out normal data: precision ${metrics.precision.toFixed(4)}, recall ${metrics.recall.toFixed(4)}, F1 ${metrics.f1.toFixed(4)}`,
      );
      console.log(`report:  ${report.html}`);
      console.log(`metrics: ${join(out, 'metrics.json')}`);
      console.log(`plots:   ${report.images.filter((p) => p.endsWith('.png')).join(', ')}`);
      console.log(
        `scores:  ${join(out, 'scores.csv')}; model: ${join(out, 'model')} (${seconds.toFixed(1)} s)`,
      );
    });
}

/**
 * The sine data: from `dir` when given, else generated like the data set (320,000 steps,
 * period 400, amplitude 0.5; the test copy's amplitude doubles from step 160,000 on and
 * equals the normal copy before).
 */
function sineData(dir: string | undefined, seed: number): { normal: Series; abn: Series } {
  if (dir !== undefined)
    for (const name of ['normal.csv', 'abn.csv'])
      if (!existsSync(join(dir, name)))
        throw new Error(`${join(dir, name)}: sine data not found (check --data-dir)`);
  return sineDemoData(dir === undefined ? [] : [dir], seed);
}
