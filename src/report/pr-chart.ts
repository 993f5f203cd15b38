// Precision-recall curves (one or more detectors), with the no-skill level
// (the share of anomalies) as a rule when given.
import { chartSize, palette, theme } from './theme.js';
import {
  checkLength,
  curveRows,
  fmt,
  type BaseChartOptions,
  type ChartSpec,
  type NumericArray,
  type Row,
} from './common.js';
import { DEFAULT_MAX_POINTS } from './downsample.js';
import { curveLabel } from './roc-chart.js';

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

export function prChart(input: PrChartInput): ChartSpec {
  const curves = Array.isArray(input.curves)
    ? (input.curves as readonly PrCurveInput[])
    : [input.curves as PrCurveInput];
  if (curves.length === 0) throw new Error('prChart: no curves');
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const rows: Row[] = [];
  const names: string[] = [];
  curves.forEach((c, k) => {
    checkLength('prChart: precision', c.precision, c.recall.length);
    const name = curveLabel(
      c.name ?? (curves.length === 1 ? 'detector' : `detector ${k + 1}`),
      'AP',
      c.averagePrecision,
    );
    names.push(name);
    for (const r of curveRows(c.recall, c.precision, { curve: name }, maxPoints)) rows.push(r);
  });
  const layers: object[] = [
    {
      data: { values: rows },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'recall', scale: { domain: [0, 1] } },
        y: { field: 'y', type: 'quantitative', title: 'precision', scale: { domain: [0, 1] } },
        color: {
          field: 'curve',
          type: 'nominal',
          title: null,
          scale: { domain: names },
          legend: { orient: 'bottom-left' },
        },
        order: { field: 'i', type: 'quantitative' },
        tooltip: [
          { field: 'curve', type: 'nominal' },
          { field: 'x', type: 'quantitative', title: 'recall', format: '.4~g' },
          { field: 'y', type: 'quantitative', title: 'precision', format: '.4~g' },
        ],
      },
    },
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
  const side = input.width ?? chartSize.height + 80;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: input.title ?? 'Precision-recall',
    config: theme,
    width: side,
    height: input.height ?? side,
    layer: layers,
  } as ChartSpec;
}
