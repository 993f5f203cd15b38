// `normalcy report`: scores a labelled series with a saved model, evaluates the
// scores at a threshold from normal data (as `evaluate` does) and writes the
// HTML report with its charts (score, score distributions, ROC, PR,
// per-threshold metrics, training loss) as SVG and PNG.
import type { Command } from 'commander';
import { join } from 'node:path';
import { readSeries } from '../../data/read-series.js';
import { column } from '../../data/series.js';
import { loadDetector } from '../../detectors/registry.js';
import { readManifest, readNormalScores } from '../../detectors/model-dir.js';
import { evaluateScores } from '../../detectors/evaluation.js';
import { writeEvaluationReport } from '../../report/evaluation-report.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import {
  flatMetrics,
  fractionFlag,
  modelThreshold,
  progress,
  progressBar,
  readConfigFile,
  readLabels,
} from '../common.js';
import { mergeSettings, type Schema } from '../../config/schema.js';

interface ReportSettings {
  fpr: number;
  title: string;
}

/** Fields of a report --config file. */
export const REPORT_SCHEMA: Schema = {
  fpr: { type: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  title: { type: 'string' },
};

interface ReportFlags {
  model: string;
  data: string;
  labels: string;
  out: string;
  fpr?: number;
  title?: string;
  config?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'score and evaluate a labelled series with a saved model and write an HTML report with charts',
    )
    .requiredOption('--model <dir>', 'model directory written by train')
    .requiredOption('--data <file>', 'series to score')
    .requiredOption(
      '--labels <file>',
      'anomaly labels: ranges (.json, or start,end .csv) or a 0/1 column (.csv)',
    )
    .requiredOption('--out <dir>', 'directory for report.html, the charts and metrics.json')
    .option(
      '--fpr <rate>',
      "threshold at this false-positive rate on the model's held-out normal scores (default: the model's threshold)",
      fractionFlag('--fpr'),
    )
    .option('--title <text>', 'report title')
    .option('--config <file>', 'settings (.json or YAML): fpr, title')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy report --model model/ --data abn.csv --labels labels.json --out report/\n  normalcy report --model model/ --data abn.csv --labels labels.csv --fpr 0.01 --out report/',
    )
    .action(async (f: ReportFlags) => {
      const s = mergeSettings<ReportSettings>(
        readConfigFile(f.config),
        { fpr: f.fpr, title: f.title },
        REPORT_SCHEMA,
      );
      const detector = loadDetector(f.model);
      const manifest = readManifest(f.model);
      const threshold = modelThreshold(f.model, s.fpr);
      const series = readSeries(f.data);
      const labels = readLabels(f.labels, series.length);
      const bar = progressBar('report', 3);
      let report;
      let metrics;
      try {
        bar.update(0, 'scoring');
        progress(`scoring ${f.data} (${series.length} steps) with ${f.model}`);
        const scores = detector.score(series);
        bar.update(1, 'evaluating');
        metrics = evaluateScores(scores, labels, threshold);
        bar.update(2, 'writing charts');
        progress('writing the report and charts');
        report = await writeEvaluationReport(f.out, {
          title: s.title ?? `normalcy report: ${manifest.detector} on ${f.data}`,
          subtitle: `threshold ${threshold.value.toPrecision(5)} (${threshold.kind}${s.fpr !== undefined ? ` at ${s.fpr} FPR on held-out normal data` : ''})`,
          config: { model: f.model, data: f.data, labels: f.labels, detector: manifest.config },
          metrics: flatMetrics(metrics),
          scores,
          labels,
          threshold: threshold.value,
          normalScores: readNormalScores(f.model),
          series: column(series, 0),
          history: manifest.summary?.history,
          targetFpr: s.fpr ?? (threshold.kind === 'fpr' ? threshold.targetFpr : undefined),
        });
        bar.update(3, 'done');
      } finally {
        bar.stop();
      }
      const metricsPath = join(f.out, 'metrics.json');
      writeFileAtomic(
        metricsPath,
        JSON.stringify({ model: f.model, data: f.data, threshold, metrics }, null, 2) + '\n',
      );
      const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
      console.log(
        `AUC-ROC ${fmt(metrics.auc_roc)}  AUC-PR ${fmt(metrics.auc_pr)}  F1 ${fmt(metrics.f1)} at threshold ${threshold.value.toPrecision(5)}`,
      );
      console.log(`report:  ${report.html}`);
      console.log(`metrics: ${metricsPath}`);
      console.log(`charts:  ${report.images.join(', ')}`);
    });
}
