// Metrics per threshold: detection ratio (specificity on normal samples),
// recall, F-score and optionally precision, with the break-even point (where
// recall meets the detection ratio) marked.
import { palette } from './theme.js';
import {
  chartSpec,
  checkLength,
  curveRows,
  fmt,
  type BaseChartOptions,
  type ChartSpec,
  type NumericArray,
  type Row,
} from './common.js';
import { DEFAULT_MAX_POINTS } from './downsample.js';

export interface ThresholdChartInput extends BaseChartOptions {
  /** One threshold per row; non-finite rows are not drawn. */
  threshold: NumericArray;
  detectionRatio?: NumericArray;
  recall?: NumericArray;
  /** F1 (or another F-score; name it with fScoreName). */
  f1?: NumericArray;
  fScoreName?: string;
  precision?: NumericArray;
  /** The break-even point; computed from recall and detection ratio when absent. */
  breakEven?: { threshold: number; value: number };
  logX?: boolean;
  xTitle?: string;
}

/** The row where recall and detection ratio are closest, as breakEvenPoint in metrics. */
export function thresholdBreakEven(
  threshold: NumericArray,
  recall: NumericArray,
  detectionRatio: NumericArray,
): { threshold: number; value: number } | undefined {
  let best = -1;
  let gap = Infinity;
  for (let k = 0; k < threshold.length; k++) {
    if (!Number.isFinite(threshold[k])) continue;
    const g = Math.abs(recall[k] - detectionRatio[k]);
    if (g < gap) {
      gap = g;
      best = k;
    }
  }
  if (best < 0) return undefined;
  return { threshold: threshold[best], value: (recall[best] + detectionRatio[best]) / 2 };
}

export function thresholdChart(input: ThresholdChartInput): ChartSpec {
  const n = input.threshold.length;
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const fName = input.fScoreName ?? 'F1';
  const metrics: [string, NumericArray | undefined, string][] = [
    ['detection ratio', input.detectionRatio, palette.normal],
    ['recall', input.recall, palette.anomaly],
    [fName, input.f1, palette.series[2]],
    ['precision', input.precision, palette.prediction],
  ];
  const present = metrics.filter((m): m is [string, NumericArray, string] => m[1] !== undefined);
  if (present.length === 0) throw new Error('thresholdChart: no metric given');
  const logX = input.logX ?? false;
  const rows: Row[] = [];
  for (const [name, values] of present) {
    checkLength(`thresholdChart: ${name}`, values, n);
    const xs = logX
      ? Float64Array.from(input.threshold, (t) => (t > 0 ? t : NaN))
      : input.threshold;
    for (const r of curveRows(xs, values, { metric: name }, maxPoints)) rows.push(r);
  }
  const breakEven =
    input.breakEven ??
    (input.recall && input.detectionRatio
      ? thresholdBreakEven(input.threshold, input.recall, input.detectionRatio)
      : undefined);
  const xTitle = input.xTitle ?? 'threshold';
  const layers: object[] = [
    {
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', clip: true },
      params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: xTitle,
          scale: logX ? { type: 'log' } : { zero: false },
        },
        y: { field: 'y', type: 'quantitative', title: 'ratio', scale: { domain: [0, 1] } },
        color: {
          field: 'metric',
          type: 'nominal',
          title: null,
          scale: { domain: present.map((m) => m[0]), range: present.map((m) => m[2]) },
          legend: { orient: 'right' },
        },
        order: { field: 'i', type: 'quantitative' },
        tooltip: [
          { field: 'metric', type: 'nominal' },
          { field: 'x', type: 'quantitative', title: xTitle, format: '.4~g' },
          { field: 'y', type: 'quantitative', title: 'value', format: '.4~g' },
        ],
      },
    },
  ];
  if (breakEven && Number.isFinite(breakEven.threshold) && (!logX || breakEven.threshold > 0)) {
    const be = [
      {
        x: breakEven.threshold,
        y: breakEven.value,
        label: `break-even ${fmt(breakEven.value, 3)} at ${fmt(breakEven.threshold)}`,
      },
    ];
    layers.push(
      {
        data: { values: be },
        mark: { type: 'rule', color: palette.muted, strokeDash: [3, 3], strokeWidth: 1 },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
      {
        data: { values: be },
        mark: {
          type: 'point',
          shape: 'diamond',
          size: 100,
          filled: true,
          color: palette.threshold,
        },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          tooltip: [{ field: 'label', type: 'nominal', title: 'break-even' }],
        },
      },
      {
        data: { values: be },
        mark: {
          type: 'text',
          align: 'left',
          dx: 8,
          dy: -10,
          fontSize: 10,
          color: palette.threshold,
        },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          text: { field: 'label' },
        },
      },
    );
  }
  return chartSpec(input, 'Metrics per threshold', { layer: layers });
}
