// The incident report: it opens with what a person acts on, the incidents
// (a summary line, drift findings, the table sorted by severity, true/false
// when labels exist), then every channel against time with the incidents
// shaded and the score with its threshold, then with labels the evaluation
// charts, and at the end the run configuration and the metrics with their
// meanings.
import { join } from 'node:path';
import type { Series } from '../data/series.js';
import { column } from '../data/series.js';
import type { EpochReport } from '../detectors/detector.js';
import type { Incident } from '../alarms/incident.js';
import type { DriftFinding } from '../alarms/drift-guard.js';
import { bySeverity } from '../alarms/incident.js';
import { evaluateIncidents, type IncidentEvaluation } from '../alarms/incident-evaluation.js';
import {
  culpritText,
  incidentDuration,
  incidentSummary,
  stepMilliseconds,
} from '../alarms/incident-files.js';
import { channelNamesOr } from '../alarms/culprits.js';
import { maskToRanges } from '../metrics/ranges.js';
import type { ChartSpec } from './common.js';
import { channelsChart, type ShadedRange } from './channels-chart.js';
import { errorCdfChart } from './error-cdf-chart.js';
import { writeHtmlReport } from './html-report.js';
import { METRIC_MEANINGS } from './metric-meanings.js';
import { writeReportCharts, type NamedChart } from './standard-charts.js';

export interface IncidentReportInput {
  title: string;
  subtitle?: string;
  config: Record<string, unknown>;
  /** The examined series: every channel is drawn, against its timestamps when it has them. */
  series: Series;
  /** One per step; NaN where the model could not score. */
  scores: Float32Array;
  threshold: number;
  incidents: readonly Incident[];
  drift?: DriftFinding;
  /** Incidents folded into the drift finding. */
  absorbed?: number;
  normalScores?: Float32Array;
  /** 0/1 per step: adds the evaluation and marks each incident true or false. */
  labels?: Uint8Array;
  /** Flat metric table (shown at the end, with meanings). */
  metrics?: Record<string, number | string | null | undefined>;
  history?: readonly EpochReport[];
  targetFpr?: number;
}

export interface WrittenIncidentReport {
  html: string;
  images: string[];
  incidentEvaluation?: IncidentEvaluation;
}

function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.000Z$/, 'Z');
}

export async function writeIncidentReport(
  dir: string,
  input: IncidentReportInput,
): Promise<WrittenIncidentReport> {
  const { series, scores, labels } = input;
  if (scores.length !== series.length)
    throw new Error(`incident report: ${scores.length} scores for ${series.length} steps`);
  if (labels && labels.length !== series.length)
    throw new Error(`incident report: ${labels.length} labels for ${series.length} steps`);
  const incidents = bySeverity(input.incidents);
  const evaluation = labels ? evaluateIncidents(incidents, labels) : undefined;
  const stepMs = stepMilliseconds(series.timestamps);

  const head = ['#', 'start', 'end', 'duration', 'severity', 'p-value', 'culprit channels'];
  if (evaluation) head.push('verdict');
  const rows = incidents.map((i, k) => {
    const row = [
      String(k + 1),
      i.startTime ? shortTime(i.startTime) : `step ${i.start}`,
      i.endTime ? shortTime(i.endTime) : `step ${i.end}`,
      incidentDuration(i, stepMs),
      i.severity.toFixed(2),
      i.pValue === undefined ? '—' : i.pValue.toExponential(1),
      culpritText(i) || '—',
    ];
    if (evaluation) row.push(evaluation.verdicts[k] ? 'true (labelled)' : 'false');
    return row;
  });
  let summary = incidentSummary(incidents, series.length, series.timestamps);
  if (evaluation)
    summary += `; ${evaluation.truePositives} true, ${evaluation.falsePositives} false; ${evaluation.foundRanges} of ${evaluation.labelledRanges} labelled anomalies found`;
  const findings: string[] = [];
  if (input.drift)
    findings.push(
      `${input.drift.message}${input.absorbed ? `; ${input.absorbed} incident(s) after that are folded into this finding` : ''}`,
    );

  const names = channelNamesOr(series.names, series.channels);
  const ranges: ShadedRange[] = incidents.map((i) => ({
    start: i.start,
    end: i.end,
    label: 'incident',
  }));
  if (labels)
    for (const r of maskToRanges(labels)) ranges.push({ ...r, label: 'labelled anomaly' });
  const channelsSpec = {
    ...channelsChart({
      channels: names.map((_, c) => column(series, c)),
      names,
      scores,
      threshold: input.threshold,
      ...(series.timestamps ? { timestamps: series.timestamps } : {}),
      ranges,
    }),
    usermeta: { fullWidth: true },
  } as ChartSpec;
  const charts: NamedChart[] = [
    {
      name: 'channels',
      title: 'Channels and score',
      description:
        'Each channel against time, incidents shaded red' +
        (labels ? ' and labelled anomalies blue' : '') +
        '; at the bottom the score with the threshold as a dashed rule. Drag or wheel on the score panel to pan and zoom every panel.',
      spec: channelsSpec,
    },
  ];
  const scored = scores.filter(Number.isFinite);
  if (input.normalScores) {
    const parts = labels
      ? [
          {
            name: 'examined, normal part',
            errors: scores.filter((s, i) => Number.isFinite(s) && !labels[i]),
          },
          {
            name: 'examined, labelled anomalous',
            errors: scores.filter((s, i) => Number.isFinite(s) && labels[i] === 1),
          },
        ].filter((p) => p.errors.length > 0)
      : [{ name: 'examined series', errors: scored }];
    charts.push({
      name: 'error-cdf',
      title: 'Score distributions',
      description:
        'Empirical CDFs of the held-out normal scores and of the examined series; vertical lines at the normal quantile of the target false-positive rate.',
      spec: errorCdfChart({
        validation: input.normalScores,
        validationName: 'held-out normal',
        anomalies: parts,
        fprLines: [input.targetFpr ?? 0.01],
      }),
    });
  }
  const hasBoth = labels && labels.includes(1) && labels.includes(0);
  const keep = Array.from(scores.keys()).filter((i) => Number.isFinite(scores[i]));
  const { images, charts: pageCharts } = await writeReportCharts(dir, charts, {
    ...(labels && hasBoth
      ? {
          labelled: {
            scores: Float32Array.from(keep, (i) => scores[i]!),
            labels: Uint8Array.from(keep, (i) => labels[i]!),
            metrics: input.metrics,
          },
        }
      : {}),
    history: input.history,
  });
  const metrics = { ...(input.metrics ?? {}) };
  if (evaluation) {
    metrics.incidents = incidents.length;
    metrics.incident_true_positives = evaluation.truePositives;
    metrics.incident_false_positives = evaluation.falsePositives;
    metrics.incident_precision = evaluation.precision;
    metrics.incident_recall = evaluation.recall;
  }
  const html = writeHtmlReport(join(dir, 'report.html'), {
    title: input.title,
    ...(input.subtitle ? { subtitle: input.subtitle } : {}),
    lead: {
      summary,
      findings,
      head,
      rows,
      ...(evaluation ? { rowClasses: evaluation.verdicts.map((v) => (v ? 'tp' : 'fp')) } : {}),
      note: 'Severity: how far the peak score goes beyond the threshold, in units of the threshold\u2019s distance above the median normal score. p-value: the share of held-out normal steps scoring at least the peak. Culprit channels: each channel\u2019s share of the score summed over the incident.',
    },
    config: input.config,
    metrics,
    metricMeanings: METRIC_MEANINGS,
    charts: pageCharts,
  });
  return { html, images, ...(evaluation ? { incidentEvaluation: evaluation } : {}) };
}
