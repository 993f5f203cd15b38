// The charts every report with labels or a training history shows the same way
// (ROC, PR, per-threshold metrics, training loss), and writing a report's
// charts as PNG and SVG files: one place for the evaluation and incident reports.
import { join } from 'node:path';
import { rocCurve } from '../metrics/roc.js';
import { prCurve } from '../metrics/pr.js';
import { thresholdTable } from '../metrics/threshold-table.js';
import type { EpochReport } from '../detectors/detector.js';
import type { ChartSpec } from './common.js';
import { rocChart } from './roc-chart.js';
import { prChart } from './pr-chart.js';
import { thresholdChart } from './threshold-chart.js';
import { lossChart } from './loss-chart.js';
import { writeChart } from './write-chart.js';

/** A report's chart: its file name (without extension), heading, caption and spec. */
export interface NamedChart {
  name: string;
  title: string;
  description: string;
  spec: ChartSpec;
}

/**
 * ROC, precision-recall and per-threshold charts of scores against 0/1 labels;
 * the legends show the run's `auc_roc` and `auc_pr` metrics where they are numbers.
 */
export function labelledCharts(
  scores: Float32Array,
  labels: Uint8Array,
  metrics: Record<string, unknown> = {},
): NamedChart[] {
  const roc = rocCurve(scores, labels);
  const pr = prCurve(scores, labels);
  const table = thresholdTable(scores, labels);
  const auc = typeof metrics.auc_roc === 'number' ? metrics.auc_roc : undefined;
  const ap = typeof metrics.auc_pr === 'number' ? metrics.auc_pr : undefined;
  return [
    {
      name: 'roc',
      title: 'ROC',
      description: 'True-positive rate against false-positive rate over every threshold.',
      spec: rocChart({ curves: { fpr: roc.fpr, tpr: roc.tpr, auc } }),
    },
    {
      name: 'pr',
      title: 'Precision-recall',
      description: 'Precision against recall over every threshold.',
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
  ];
}

/** The training-loss chart (with the held-out loss where every epoch has one); none without history. */
export function lossCharts(history: readonly EpochReport[] | undefined): NamedChart[] {
  if (!history || history.length === 0) return [];
  const validation = history.every((h) => h.validationLoss !== undefined)
    ? history.map((h) => h.validationLoss!)
    : undefined;
  return [
    {
      name: 'training-loss',
      title: 'Training loss',
      description: 'Loss per epoch on training and held-out data.',
      spec: lossChart({
        train: history.map((h) => h.loss),
        ...(validation ? { validation } : {}),
      }),
    },
  ];
}

/** Writes `<dir>/<name>.png` and `.svg` of each chart; returns their paths. */
export async function writeChartFiles(
  dir: string,
  charts: readonly NamedChart[],
): Promise<string[]> {
  const images: string[] = [];
  for (const c of charts) {
    const written = await writeChart(join(dir, c.name), c.spec);
    images.push(written.pngPath, written.svgPath);
  }
  return images;
}

/** What a report adds after its own charts: the labelled charts, the training loss. */
export interface ChartExtras {
  /** Scores and 0/1 labels (both classes present): ROC, PR and per-threshold charts. */
  labelled?: { scores: Float32Array; labels: Uint8Array; metrics?: Record<string, unknown> };
  history?: readonly EpochReport[];
}

/**
 * Appends the standard charts to a report's own, writes every chart as PNG and
 * SVG in `dir`, and returns the image paths and the charts as the HTML page takes them.
 */
export async function writeReportCharts(
  dir: string,
  own: readonly NamedChart[],
  extras: ChartExtras = {},
): Promise<{
  images: string[];
  charts: { title: string; description: string; spec: ChartSpec }[];
}> {
  const { labelled, history } = extras;
  const charts = [
    ...own,
    ...(labelled ? labelledCharts(labelled.scores, labelled.labels, labelled.metrics) : []),
    ...lossCharts(history),
  ];
  const images = await writeChartFiles(dir, charts);
  return {
    images,
    charts: charts.map(({ title, description, spec }) => ({ title, description, spec })),
  };
}
