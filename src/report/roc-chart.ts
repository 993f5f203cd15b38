// ROC curves (one or more detectors), the chance diagonal, and each curve's
// break-even point (recall = detection ratio, i.e. TPR = 1 - FPR) marked.
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

export function curveLabel(name: string, metric: string, value: number | undefined): string {
  return value === undefined ? name : `${name} (${metric} ${fmt(value, 3)})`;
}

export function rocChart(input: RocChartInput): ChartSpec {
  const curves = Array.isArray(input.curves)
    ? (input.curves as readonly RocCurveInput[])
    : [input.curves as RocCurveInput];
  if (curves.length === 0) throw new Error('rocChart: no curves');
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const rows: Row[] = [];
  const marks: Row[] = [];
  const names: string[] = [];
  curves.forEach((c, k) => {
    checkLength('rocChart: tpr', c.tpr, c.fpr.length);
    const name = curveLabel(
      c.name ?? (curves.length === 1 ? 'detector' : `detector ${k + 1}`),
      'AUC',
      c.auc,
    );
    names.push(name);
    for (const r of curveRows(c.fpr, c.tpr, { curve: name }, maxPoints)) rows.push(r);
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
    {
      data: { values: rows },
      mark: { type: 'line', interpolate: 'linear' },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: 'false positive rate',
          scale: { domain: [0, 1] },
        },
        y: {
          field: 'y',
          type: 'quantitative',
          title: 'true positive rate (recall)',
          scale: { domain: [0, 1] },
        },
        color: {
          field: 'curve',
          type: 'nominal',
          title: null,
          scale: { domain: names },
          legend: { orient: 'bottom-right' },
        },
        order: { field: 'i', type: 'quantitative' },
        tooltip: [
          { field: 'curve', type: 'nominal' },
          { field: 'x', type: 'quantitative', title: 'FPR', format: '.4~g' },
          { field: 'y', type: 'quantitative', title: 'TPR', format: '.4~g' },
        ],
      },
    },
  ];
  if (marks.length > 0) layers.push(...breakEvenLayers(marks, names));
  const side = input.width ?? chartSize.height + 80;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: input.title ?? 'ROC',
    config: theme,
    width: side,
    height: input.height ?? side,
    layer: layers,
  } as ChartSpec;
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
