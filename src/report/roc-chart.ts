// ROC curves (one or more detectors), the chance diagonal, and each curve's
// break-even point (recall = detection ratio, i.e. TPR = 1 - FPR) marked.
import { chartSize, palette } from './theme.js';
import {
  chartSpec,
  fmt,
  squareOptions,
  type BaseChartOptions,
  type ChartSpec,
  type NumericArray,
  type Row,
} from './common.js';
import { curveLineLayer, namedCurveRows, type CurveKind } from './curve-chart.js';

export interface RocCurveInput {
  name?: string;
  fpr: NumericArray;
  tpr: NumericArray;
  /** Shown in the legend when given. */
  auc?: number;
}

export interface RocChartInput extends BaseChartOptions {
  curves: RocCurveInput | readonly RocCurveInput[];
  /** Mark each curve's break-even point (default true). */
  markBreakEven?: boolean;
}

/** The curve point closest to TPR = 1 - FPR. */
export function rocBreakEven(fpr: NumericArray, tpr: NumericArray): { fpr: number; tpr: number } {
  let best = -1;
  let gap = Infinity;
  for (let i = 0; i < fpr.length; i++) {
    const g = Math.abs(tpr[i] - (1 - fpr[i]));
    if (g < gap) {
      gap = g;
      best = i;
    }
  }
  if (best < 0) throw new Error('rocBreakEven: empty curve');
  return { fpr: fpr[best], tpr: tpr[best] };
}

const ROC_CURVES: CurveKind<RocCurveInput> = {
  chart: 'rocChart',
  yName: 'tpr',
  metric: 'AUC',
  points: (c) => ({ x: c.fpr, y: c.tpr, value: c.auc }),
};

export function rocChart(input: RocChartInput): ChartSpec {
  const marks: Row[] = [];
  const { rows, names } = namedCurveRows(input.curves, ROC_CURVES, input.maxPoints, (c, name) => {
    if (input.markBreakEven ?? true) {
      const be = rocBreakEven(c.fpr, c.tpr);
      marks.push({ curve: name, x: be.fpr, y: be.tpr, label: `break-even ${fmt(be.tpr, 3)}` });
    }
  });
  const layers: object[] = [
    {
      data: { values: [{ x: 0, y: 0, x2: 1, y2: 1 }] },
      mark: { type: 'rule', color: '#aaaaaa', strokeDash: [4, 4], strokeWidth: 1 },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        x2: { field: 'x2' },
        y2: { field: 'y2' },
      },
    },
    curveLineLayer(rows, names, {
      mark: { type: 'line', interpolate: 'linear' },
      x: { title: 'false positive rate', tooltip: 'FPR' },
      y: { title: 'true positive rate (recall)', tooltip: 'TPR' },
      legend: 'bottom-right',
    }),
  ];
  if (marks.length > 0) layers.push(...breakEvenLayers(marks, names));
  return chartSpec(squareOptions(input, chartSize.height + 80), 'ROC', { layer: layers });
}

/** A ringed dot with a label at each break-even point. */
export function breakEvenLayers(marks: Row[], names: readonly string[]): object[] {
  const colour = { field: 'curve', type: 'nominal', scale: { domain: names } };
  return [
    {
      data: { values: marks },
      mark: {
        type: 'point',
        shape: 'diamond',
        size: 90,
        filled: true,
        stroke: palette.text,
        strokeWidth: 1,
      },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        color: colour,
        tooltip: [
          { field: 'curve', type: 'nominal' },
          { field: 'label', type: 'nominal', title: 'point' },
          { field: 'x', type: 'quantitative', format: '.4~g' },
          { field: 'y', type: 'quantitative', format: '.4~g' },
        ],
      },
    },
    {
      data: { values: marks },
      mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 10, color: palette.text },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        text: { field: 'label' },
      },
    },
  ];
}
