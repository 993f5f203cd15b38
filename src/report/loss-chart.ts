// Training loss per epoch, with validation loss when given.
import { palette } from './theme.js';
import {
  chartSpec,
  type BaseChartOptions,
  type ChartSpec,
  type NumericArray,
  type Row,
} from './common.js';
import { DEFAULT_MAX_POINTS, minMaxBucketIndices } from './downsample.js';

export interface LossChartInput extends BaseChartOptions {
  train: NumericArray;
  validation?: NumericArray;
  /** Log y axis (default true when every loss is positive). */
  logY?: boolean;
  xTitle?: string;
  yTitle?: string;
}

export function lossChart(input: LossChartInput): ChartSpec {
  if (input.train.length === 0) throw new Error('lossChart: no training losses');
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const sets: [string, NumericArray][] = [['train', input.train]];
  if (input.validation) sets.push(['validation', input.validation]);
  const rows: Row[] = [];
  let allPositive = true;
  for (const [name, losses] of sets) {
    for (const i of minMaxBucketIndices(losses, maxPoints)) {
      if (!(losses[i] > 0)) allPositive = false;
      rows.push({ epoch: i + 1, loss: losses[i], set: name });
    }
  }
  const logY = input.logY ?? allPositive;
  const names = sets.map((s) => s[0]);
  return chartSpec(input, 'Training loss', {
    data: { values: rows },
    params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
    mark: { type: 'line', point: rows.length <= 200, clip: true },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: input.xTitle ?? 'epoch',
        // Epochs are whole: no 1.5 tick.
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: {
        field: 'loss',
        type: 'quantitative',
        title: input.yTitle ?? 'loss',
        scale: logY ? { type: 'log' } : { zero: false },
      },
      color: {
        field: 'set',
        type: 'nominal',
        title: null,
        scale: { domain: names, range: [palette.normal, palette.prediction] },
      },
      tooltip: [
        { field: 'set', type: 'nominal' },
        { field: 'epoch', type: 'quantitative' },
        { field: 'loss', type: 'quantitative', format: '.4~g' },
      ],
    },
  });
}
