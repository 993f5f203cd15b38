// A waveform against the model's prediction (or reconstruction) of it.
import { palette } from './theme.js';
import {
  chartSpec,
  checkLength,
  seriesRows,
  xAxis,
  type BaseChartOptions,
  type ChartSpec,
  type NumericArray,
  type XValues,
} from './common.js';
import { DEFAULT_MAX_POINTS } from './downsample.js';

export interface WaveformChartInput extends BaseChartOptions {
  actual: NumericArray;
  predicted: NumericArray;
  x?: XValues;
  xTitle?: string;
  yTitle?: string;
  /** Legend names; default 'actual' and 'predicted'. */
  names?: readonly [string, string];
}

export function waveformChart(input: WaveformChartInput): ChartSpec {
  const n = input.actual.length;
  if (n === 0) throw new Error('waveformChart: no samples');
  checkLength('waveformChart: predicted', input.predicted, n);
  const x = xAxis(n, input.x, input.xTitle);
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const [actualName, predName] = input.names ?? ['actual', 'predicted'];
  const rows = [
    ...seriesRows(input.actual, x, actualName, maxPoints),
    ...seriesRows(input.predicted, x, predName, maxPoints),
  ];
  return chartSpec(input, 'Waveform vs prediction', {
    data: { values: rows },
    params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'x', type: x.type, title: x.title },
      y: { field: 'value', type: 'quantitative', title: input.yTitle ?? 'value' },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: [actualName, predName], range: [palette.normal, palette.prediction] },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        legend: null,
        scale: {
          domain: [actualName, predName],
          range: [
            [1, 0],
            [5, 2],
          ],
        },
      },
      tooltip: [
        { field: 'series', type: 'nominal' },
        { field: 'x', type: x.type, title: x.title },
        { field: 'value', type: 'quantitative', format: '.4~g' },
      ],
    },
  });
}
