// `normalcy report`: the incident report of a series under a saved model. It
// opens with the incidents (summary, table by severity, culprit channels),
// draws every channel against time with the incidents shaded and the score
// with its threshold, and ends with the configuration and metrics. With
// --labels it adds the evaluation (areas, point and event metrics at the
// threshold) and marks each incident true or false; labels that mark nothing
// give the report without evaluation.
import type { Command } from 'commander';
import { join } from 'node:path';
import { evaluateScores } from '../../detectors/evaluation.js';
import { writeIncidentReport } from '../../report/incident-report.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { incidentSummary } from '../../alarms/incident-files.js';
import {
  flatMetrics,
  modelFprOption,
  progress,
  progressBar,
  readConfigFile,
  readLabels,
} from '../common.js';
import { mergeSettings, type Schema } from '../../config/schema.js';
import { addDataOptions } from '../data-flags.js';
import { openModelRun, runIncidents, type ModelRunFlags } from '../model-run.js';

interface ReportSettings {
  fpr: number;
  title: string;
}

/** Fields of a report --config file. */
export const REPORT_SCHEMA: Schema = {
  fpr: { type: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  title: { type: 'string' },
};

interface ReportFlags extends ModelRunFlags {
  labels?: string;
  out: string;
  title?: string;
  config?: string;
}

/** Scores and labels of the steps that have a score (the first window has none). */
function scoredSteps(scores: Float32Array, labels: Uint8Array) {
  const keep: number[] = [];
  for (let i = 0; i < scores.length; i++) if (Number.isFinite(scores[i])) keep.push(i);
  return {
    scores: Float32Array.from(keep, (i) => scores[i]!),
    labels: Uint8Array.from(keep, (i) => labels[i]!),
  };
}

export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description(
      'write the incident report of a series under a saved model (HTML with charts); with --labels, the evaluation too',
    )
    .requiredOption('--model <dir>', 'model directory written by train')
    .option(
      '--labels <file>',
      'anomaly labels: ranges (.json, or start,end .csv) or a 0/1 column (.csv) (default: none, an incident report without evaluation)',
    )
    .requiredOption('--out <dir>', 'directory for report.html, the charts and metrics.json')
    .addOption(modelFprOption())
    .option('--title <text>', "report title (default: 'normalcy report: <detector> on <data>')")
    .option('--config <file>', 'settings (.json or YAML): fpr, title (default: none)')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy report --model model/ --data metrics.csv --out report/\n  normalcy report --model model/ --data abn.csv --labels labels.json --out report/\n  normalcy report --model model/ --data abn.csv --labels labels.csv --fpr 0.01 --out report/',
    );
  addDataOptions(command, true, 'series to examine');
  command.action(async (f: ReportFlags) => {
    const s = mergeSettings<ReportSettings>(
      readConfigFile(f.config),
      { fpr: f.fpr, title: f.title },
      REPORT_SCHEMA,
    );
    const run = await openModelRun({ ...f, ...(s.fpr !== undefined ? { fpr: s.fpr } : {}) });
    const { series, threshold, manifest } = run;
    let labels = f.labels ? readLabels(f.labels, series.length) : undefined;
    if (labels && !labels.includes(1)) {
      progress(`${f.labels}: the labels mark no anomalous step; the report has no evaluation`);
      labels = undefined;
    }
    const bar = progressBar('report', 3);
    let report;
    let metrics;
    let found;
    try {
      bar.update(0, 'scoring');
      progress(`scoring ${f.data} (${series.length} steps) with ${f.model}`);
      found = runIncidents(run);
      bar.update(1, 'evaluating');
      if (labels) {
        const part = scoredSteps(found.scores, labels);
        metrics =
          part.labels.includes(0) && part.labels.includes(1)
            ? evaluateScores(part.scores, part.labels, threshold)
            : undefined;
      }
      bar.update(2, 'writing charts');
      progress('writing the report and charts');
      report = await writeIncidentReport(f.out, {
        title: s.title ?? `normalcy report: ${manifest.detector} on ${f.data}`,
        subtitle: `threshold ${threshold.value.toPrecision(5)} (${threshold.kind}${run.targetRate ? ` at ${run.targetRate} false-positive rate on held-out normal data` : ''})`,
        config: {
          model: f.model,
          data: f.data,
          ...(f.labels ? { labels: f.labels } : {}),
          detector: manifest.config,
          incident_rules: found.settings.rules,
        },
        series,
        scores: found.scores,
        threshold: threshold.value,
        incidents: found.incidents,
        ...(found.drift ? { drift: found.drift, absorbed: found.absorbed } : {}),
        ...(run.normalScores ? { normalScores: run.normalScores } : {}),
        ...(labels ? { labels } : {}),
        ...(metrics ? { metrics: flatMetrics(metrics) } : {}),
        ...(manifest.summary?.history ? { history: manifest.summary.history } : {}),
        targetFpr: run.targetRate,
      });
      bar.update(3, 'done');
    } finally {
      bar.stop();
    }
    const metricsPath = join(f.out, 'metrics.json');
    writeFileAtomic(
      metricsPath,
      JSON.stringify(
        {
          model: f.model,
          data: f.data,
          threshold,
          incidents: found.incidents,
          drift: found.drift ?? null,
          ...(report.incidentEvaluation ? { incident_evaluation: report.incidentEvaluation } : {}),
          ...(metrics ? { metrics } : {}),
        },
        null,
        2,
      ) + '\n',
    );
    console.log(incidentSummary(found.incidents, series.length, series.timestamps, found.drift));
    if (metrics) {
      const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
      const ev = report.incidentEvaluation!;
      console.log(
        `AUC-ROC ${fmt(metrics.auc_roc)}  AUC-PR ${fmt(metrics.auc_pr)}  F1 ${fmt(metrics.f1)} at threshold ${threshold.value.toPrecision(5)}; incidents: precision ${fmt(ev.precision)}, recall ${fmt(ev.recall)}`,
      );
    }
    console.log(`report:  ${report.html}`);
    console.log(`metrics: ${metricsPath}`);
    console.log(`charts:  ${report.images.join(', ')}`);
  });
}
