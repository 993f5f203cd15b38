// Anomaly score over time: labelled anomaly ranges shaded, the threshold as a
// rule (or a line when it changes over time), optionally the series itself in
// a panel above. Zoom and pan on x with the mouse wheel and drag.
import { chartSize, palette, theme } from './theme.js';
import {
  checkLength,
  seriesRows,
  xAxis,
  type BaseChartOptions,
  type ChartSpec,
  type LabelledRange,
  type NumericArray,
  type Row,
  type XAxis,
  type XValues,
} from './common.js';
import { DEFAULT_MAX_POINTS } from './downsample.js';

export interface ScoreChartInput extends BaseChartOptions {
  /** One anomaly score per sample. */
  scores: NumericArray;
  /** x of each sample: indices (default), epoch ms with xType 'temporal', or dates. */
  x?: XValues;
  xType?: 'quantitative' | 'temporal';
  xTitle?: string;
  /** A fixed threshold, or one per sample (dynamic thresholds). */
  threshold?: number | NumericArray;
  /** Labelled anomaly ranges, in sample indices. */
  anomalies?: readonly LabelledRange[];
  /** The series itself, one or more channels, drawn in a panel above the scores. */
  series?: NumericArray | readonly NumericArray[];
  seriesNames?: readonly string[];
  scoreTitle?: string;
}

function rangeRows(ranges: readonly LabelledRange[], x: XAxis, n: number): Row[] {
  return ranges.map((r) => {
    if (!(r.start >= 0 && r.end >= r.start && r.end < n)) {
      throw new Error(`scoreChart: range [${r.start}, ${r.end}] is outside 0..${n - 1}`);
    }
    return {
      x: x.at(r.start),
      x2: x.at(r.end),
      start: r.start,
      end: r.end,
      label: r.label ?? 'labelled anomaly',
    };
  });
}

function xEncoding(x: XAxis, title: boolean) {
  return {
    field: 'x',
    type: x.type,
    title: title ? x.title : null,
    axis: title ? {} : { labels: false, ticks: false },
  } as const;
}

function rangeLayer(rows: Row[], x: XAxis) {
  return {
    data: { values: rows },
    mark: {
      type: 'rect',
      color: palette.shade,
      opacity: 0.45,
      stroke: palette.shade,
      strokeWidth: 1,
    },
    encoding: {
      x: { field: 'x', type: x.type },
      x2: { field: 'x2' },
      tooltip: [
        { field: 'label', type: 'nominal', title: 'range' },
        { field: 'start', type: 'quantitative' },
        { field: 'end', type: 'quantitative' },
      ],
    },
  } as const;
}

export function scoreChart(input: ScoreChartInput): ChartSpec {
  const n = input.scores.length;
  if (n === 0) throw new Error('scoreChart: no scores');
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const x0 = xAxis(n, input.x, input.xTitle);
  const x: XAxis = input.xType ? { ...x0, type: input.xType } : x0;
  const ranges = rangeRows(input.anomalies ?? [], x, n);
  const width = input.width ?? chartSize.width;
  const height = input.height ?? chartSize.height;
  const scoreTitle = input.scoreTitle ?? 'anomaly score';

  const layers: object[] = [];
  if (ranges.length > 0) layers.push(rangeLayer(ranges, x));
  const scoreRows = seriesRows(input.scores, x, 'score', maxPoints, 'score');
  layers.push({
    data: { values: scoreRows },
    mark: { type: 'line', color: palette.normal, clip: true },
    params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
    encoding: {
      x: xEncoding(x, true),
      y: { field: 'score', type: 'quantitative', title: scoreTitle },
    },
  });
  if (typeof input.threshold === 'number') {
    layers.push({
      data: { values: [{ threshold: input.threshold }] },
      mark: { type: 'rule', color: palette.threshold, strokeDash: [6, 3] },
      encoding: {
        y: { field: 'threshold', type: 'quantitative' },
        tooltip: [{ field: 'threshold', type: 'quantitative', format: '.4~g' }],
      },
    });
  } else if (input.threshold !== undefined) {
    checkLength('scoreChart: threshold', input.threshold, n);
    layers.push({
      data: { values: seriesRows(input.threshold, x, 'threshold', maxPoints, 'threshold') },
      mark: { type: 'line', color: palette.threshold, strokeDash: [6, 3], clip: true },
      encoding: {
        x: { field: 'x', type: x.type },
        y: { field: 'threshold', type: 'quantitative' },
      },
    });
  }
  // Nearest-point hover: a dot and a tooltip on the score line.
  layers.push({
    data: { values: scoreRows },
    mark: { type: 'point', color: palette.normal, clip: true },
    params: [
      {
        name: 'hover',
        select: {
          type: 'point',
          on: 'pointerover',
          nearest: true,
          clear: 'pointerout',
          encodings: ['x'],
        },
      },
    ],
    encoding: {
      x: { field: 'x', type: x.type },
      y: { field: 'score', type: 'quantitative' },
      opacity: { condition: { param: 'hover', empty: false, value: 1 }, value: 0 },
      tooltip: [
        { field: 'x', type: x.type, title: x.title },
        { field: 'score', type: 'quantitative', format: '.4~g' },
      ],
    },
  });
  const scorePanel = {
    width,
    height,
    layer: layers,
    resolve: { scale: { y: 'shared' } },
  };

  const title = input.title ?? 'Anomaly score';
  if (input.series === undefined) {
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      config: theme,
      ...scorePanel,
    } as ChartSpec;
  }

  const channels: readonly NumericArray[] = isChannelList(input.series)
    ? input.series
    : [input.series];
  const names = channels.map(
    (_, c) => input.seriesNames?.[c] ?? (channels.length === 1 ? 'value' : `channel ${c}`),
  );
  const perChannel = Math.max(4, Math.floor(maxPoints / Math.max(1, channels.length)));
  const rows: Row[] = [];
  channels.forEach((ch, c) => {
    checkLength(`scoreChart: series ${names[c]}`, ch, n);
    for (const r of seriesRows(ch, x, names[c], perChannel)) rows.push(r);
  });
  const seriesLayers: object[] = [];
  if (ranges.length > 0) seriesLayers.push(rangeLayer(ranges, x));
  seriesLayers.push({
    data: { values: rows },
    mark: { type: 'line', clip: true },
    encoding: {
      x: xEncoding(x, false),
      y: { field: 'value', type: 'quantitative', title: 'series' },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        legend: channels.length > 1 ? {} : null,
      },
    },
  });
  const seriesPanel = { width, height: Math.round(height * 0.7), layer: seriesLayers };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: theme,
    vconcat: [seriesPanel, scorePanel],
    resolve: { scale: { x: 'shared' } },
  } as ChartSpec;
}

function isChannelList(s: NumericArray | readonly NumericArray[]): s is readonly NumericArray[] {
  return s.length > 0 && typeof s[0] === 'object' && s[0] !== null;
}
