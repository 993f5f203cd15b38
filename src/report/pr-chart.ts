// Precision-recall curves (one or more detectors), with the no-skill level
// (the share of anomalies) as a rule when given.
import { chartSize, palette } from './theme.js';
import {
  chartSpec,
  fmt,
  squareOptions,
  type BaseChartOptions,
  type ChartSpec,
  type NumericArray,
} from './common.js';
import { curveLineLayer, namedCurveRows, type CurveKind } from './curve-chart.js';

export interface PrCurveInput {
  name?: string;
  recall: NumericArray;
  precision: NumericArray;
  /** Average precision, shown in the legend when given. */
  averagePrecision?: number;
}

export interface PrChartInput extends BaseChartOptions {
  curves: PrCurveInput | readonly PrCurveInput[];
  /** Fraction of anomalous samples: the precision of a random detector. */
  prevalence?: number;
}

const PR_CURVES: CurveKind<PrCurveInput> = {
  chart: 'prChart',
  yName: 'precision',
  metric: 'AP',
  points: (c) => ({ x: c.recall, y: c.precision, value: c.averagePrecision }),
};

export function prChart(input: PrChartInput): ChartSpec {
  const { rows, names } = namedCurveRows(input.curves, PR_CURVES, input.maxPoints);
  const layers: object[] = [
    curveLineLayer(rows, names, {
      mark: { type: 'line' },
      x: { title: 'recall', tooltip: 'recall' },
      y: { title: 'precision', tooltip: 'precision' },
      legend: 'bottom-left',
    }),
  ];
  if (input.prevalence !== undefined) {
    layers.push({
      data: { values: [{ y: input.prevalence, label: `no skill ${fmt(input.prevalence, 3)}` }] },
      mark: { type: 'rule', color: palette.muted, strokeDash: [4, 4], strokeWidth: 1 },
      encoding: {
        y: { field: 'y', type: 'quantitative' },
        tooltip: [{ field: 'label', type: 'nominal', title: 'baseline' }],
      },
    });
  }
  return chartSpec(squareOptions(input, chartSize.height + 80), 'Precision-recall', {
    layer: layers,
  });
}
