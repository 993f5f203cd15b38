// The report of one evaluated run: from scores, labels, the threshold and the
// training history, the standard charts (score with labelled ranges, error
// CDF, ROC, PR, per-threshold curves, training loss) as SVG and PNG files and
// one self-contained HTML page.
import { join } from 'node:path';
import { rocCurve } from '../metrics/roc.js';
import { prCurve } from '../metrics/pr.js';
import { thresholdTable } from '../metrics/threshold-table.js';
import { maskToRanges } from '../metrics/ranges.js';
import type { EpochReport } from '../detectors/detector.js';
import type { ChartSpec } from './common.js';
import { scoreChart } from './score-chart.js';
import { errorCdfChart } from './error-cdf-chart.js';
import { rocChart } from './roc-chart.js';
import { prChart } from './pr-chart.js';
import { thresholdChart } from './threshold-chart.js';
import { lossChart } from './loss-chart.js';
import { writeChart } from './write-chart.js';
import { detectEvents } from './events.js';
import { writeHtmlReport, type ReportChart } from './html-report.js';

export interface EvaluationReportInput {
  title: string;
  subtitle?: string;
  config: Record<string, unknown>;
  metrics: Record<string, number | string | null | undefined>;
  /** Scores of the evaluated series and its 0/1 labels. */
  scores: Float32Array;
  labels: Uint8Array;
  threshold: number;
  /** Scores of held-out normal data (for the CDF plot). */
  normalScores?: Float32Array;
  /** The evaluated series, first channel drawn above the scores. */
  series?: Float32Array;
  history?: readonly EpochReport[];
  targetFpr?: number;
}

export interface WrittenReport {
  html: string;
  images: string[];
}

/** Writes `<dir>/report.html` and `<dir>/<chart>.svg|.png`; returns the paths. */
export async function writeEvaluationReport(
  dir: string,
  input: EvaluationReportInput,
): Promise<WrittenReport> {
  const ranges = maskToRanges(input.labels).map((r) => ({ ...r, label: 'labelled anomaly' }));
  const roc = rocCurve(input.scores, input.labels);
  const pr = prCurve(input.scores, input.labels);
  const table = thresholdTable(input.scores, input.labels);
  const auc = typeof input.metrics.auc_roc === 'number' ? input.metrics.auc_roc : undefined;
  const ap = typeof input.metrics.auc_pr === 'number' ? input.metrics.auc_pr : undefined;
  const charts: { name: string; title: string; description: string; spec: ChartSpec }[] = [
    {
      name: 'score',
      title: 'Anomaly score',
      description:
        'Score per step (higher = more anomalous), labelled anomalies shaded, the threshold as a rule. Drag to pan, wheel to zoom.',
      spec: scoreChart({
        scores: input.scores,
        threshold: input.threshold,
        anomalies: ranges,
        ...(input.series ? { series: input.series, seriesNames: ['series'] } : {}),
      }),
    },
  ];
  if (input.normalScores) {
    const anomalous = input.scores.filter((_, i) => input.labels[i] === 1);
    const normalPart = input.scores.filter((_, i) => input.labels[i] === 0);
    charts.push({
      name: 'error-cdf',
      title: 'Score distributions',
      description:
        'Empirical CDFs of held-out normal scores and of the normal and anomalous parts of the evaluated series; vertical lines at the normal quantiles of the false-positive rates.',
      spec: errorCdfChart({
        validation: input.normalScores,
        validationName: 'held-out normal',
        anomalies: [
          { name: 'evaluated, normal part', errors: normalPart },
          { name: 'evaluated, anomalous part', errors: anomalous },
        ],
        fprLines: input.targetFpr ? [input.targetFpr] : [0.01],
      }),
    });
  }
  charts.push(
    {
      name: 'roc',
      title: 'ROC',
      description: 'True-positive rate against false-positive rate.',
      spec: rocChart({ curves: { fpr: roc.fpr, tpr: roc.tpr, auc } }),
    },
    {
      name: 'pr',
      title: 'Precision-recall',
      description: 'Precision against recall.',
      spec: prChart({
        curves: { recall: pr.recall, precision: pr.precision, averagePrecision: ap },
      }),
    },
    {
      name: 'per-threshold',
      title: 'Per-threshold metrics',
      description:
        'Detection ratio (normal steps kept), recall and F1 at each threshold, with the break-even point.',
      spec: thresholdChart({
        threshold: table.threshold,
        detectionRatio: table.detectionRatio,
        recall: table.recall,
        f1: table.f1,
      }),
    },
  );
  if (input.history && input.history.length > 0) {
    const validation = input.history.every((h) => h.validationLoss !== undefined)
      ? input.history.map((h) => h.validationLoss!)
      : undefined;
    charts.push({
      name: 'training-loss',
      title: 'Training loss',
      description: 'Loss per epoch on training and held-out data.',
      spec: lossChart({
        train: input.history.map((h) => h.loss),
        ...(validation ? { validation } : {}),
      }),
    });
  }
  const images: string[] = [];
  for (const c of charts) {
    const written = await writeChart(join(dir, c.name), c.spec);
    images.push(written.pngPath, written.svgPath);
  }
  const html = writeHtmlReport(join(dir, 'report.html'), {
    title: input.title,
    subtitle: input.subtitle,
    config: input.config,
    metrics: input.metrics,
    charts: charts.map((c): ReportChart => ({
      title: c.title,
      description: c.description,
      spec: c.spec,
    })),
    events: detectEvents(input.scores, input.threshold),
  });
  return { html, images };
}
