// The report of one evaluated run: from scores, labels, the threshold and the
// training history, the standard charts (score with labelled ranges, error
// CDF, ROC, PR, per-threshold curves, training loss) as SVG and PNG files and
// one self-contained HTML page.
import { join } from 'node:path';
import { maskToRanges } from '../metrics/ranges.js';
import type { EpochReport } from '../detectors/detector.js';
import { scoreChart } from './score-chart.js';
import { errorCdfChart } from './error-cdf-chart.js';
import { detectEvents } from './events.js';
import { writeHtmlReport } from './html-report.js';
import { writeReportCharts, type NamedChart } from './standard-charts.js';

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
  const charts: NamedChart[] = [
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
  const written = await writeReportCharts(dir, charts, {
    labelled: { scores: input.scores, labels: input.labels, metrics: input.metrics },
    history: input.history,
  });
  const html = writeHtmlReport(join(dir, 'report.html'), {
    title: input.title,
    subtitle: input.subtitle,
    config: input.config,
    metrics: input.metrics,
    charts: written.charts,
    events: detectEvents(input.scores, input.threshold),
  });
  return { html, images: written.images };
}
