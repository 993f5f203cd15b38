// A 2-D embedding (t-SNE or any other) as a scatter, normal vs anomalous.
// Anomalous points are drawn on top; past maxPoints, normal points are
// thinned first.
import { chartSize, palette } from './theme.js';
import {
  chartSpec,
  checkLength,
  squareOptions,
  type BaseChartOptions,
  type ChartSpec,
  type NumericArray,
  type Row,
} from './common.js';
import { DEFAULT_MAX_POINTS, strideIndices } from './downsample.js';

export interface EmbeddingChartInput extends BaseChartOptions {
  /** First and second embedding coordinate of each point. */
  x: NumericArray;
  y: NumericArray;
  /** Non-zero = anomalous. */
  anomalous: ArrayLike<number | boolean>;
  names?: readonly [string, string];
}

export function tsneChart(input: EmbeddingChartInput): ChartSpec {
  const n = input.x.length;
  if (n === 0) throw new Error('tsneChart: no points');
  checkLength('tsneChart: y', input.y, n);
  if (input.anomalous.length !== n)
    throw new Error(`tsneChart: ${input.anomalous.length} labels for ${n} points`);
  const [normalName, anomalyName] = input.names ?? ['normal', 'anomalous'];
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const normal: number[] = [];
  const anomalous: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(input.x[i]) || !Number.isFinite(input.y[i])) continue;
    (input.anomalous[i] ? anomalous : normal).push(i);
  }
  const keepAnom =
    anomalous.length > maxPoints / 2 && anomalous.length + normal.length > maxPoints
      ? Array.from(strideIndices(anomalous.length, Math.floor(maxPoints / 2)), (k) => anomalous[k])
      : anomalous;
  const normalBudget = Math.max(1, maxPoints - keepAnom.length);
  const keepNormal = Array.from(strideIndices(normal.length, normalBudget), (k) => normal[k]);
  const rows: Row[] = [];
  for (const i of keepNormal)
    rows.push({ x: input.x[i], y: input.y[i], class: normalName, index: i, z: 0 });
  for (const i of keepAnom)
    rows.push({ x: input.x[i], y: input.y[i], class: anomalyName, index: i, z: 1 });
  return chartSpec(squareOptions(input, chartSize.height + 120), 't-SNE embedding', {
    data: { values: rows },
    params: [{ name: 'zoom', select: { type: 'interval' }, bind: 'scales' }],
    mark: { type: 'point', filled: true, opacity: 0.7, size: 16, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'dimension 1', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: 'dimension 2', scale: { zero: false } },
      color: {
        field: 'class',
        type: 'nominal',
        title: null,
        scale: { domain: [normalName, anomalyName], range: [palette.normal, palette.anomaly] },
      },
      order: { field: 'z', type: 'quantitative' },
      tooltip: [
        { field: 'class', type: 'nominal' },
        { field: 'index', type: 'quantitative', title: 'sample' },
      ],
    },
  });
}
