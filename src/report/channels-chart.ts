// Every channel against time as small multiples, one panel each, with the
// incidents shaded, and the score with its threshold at the bottom. One shared
// x scale: zooming or panning the score panel moves every panel. Panel titles
// are the channel names (no legend to cut off).
import { palette, theme } from './theme.js';
import {
  seriesRows,
  xAxis,
  type ChartSpec,
  type NumericArray,
  type Row,
  type XAxis,
} from './common.js';

export interface ShadedRange {
  start: number;
  end: number;
  label: string;
}

export interface ChannelsChartInput {
  /** One array per channel, all of the scores' length. */
  channels: readonly NumericArray[];
  names: readonly string[];
  /** NaN where a step has no score. */
  scores: NumericArray;
  threshold: number;
  /** Epoch ms per step (temporal axis); default step numbers. */
  timestamps?: NumericArray;
  /** Incidents (and labelled ranges) to shade. */
  ranges?: readonly ShadedRange[];
  /** Panel width in pixels (the HTML page widens it to the page). */
  width?: number;
  panelHeight?: number;
  /** Most points per panel (min/max bucketing past that); default 2,000. */
  maxPoints?: number;
}

function shade(ranges: readonly ShadedRange[], x: XAxis): object {
  const rows = ranges.map((r) => ({
    x: x.at(r.start),
    x2: x.at(r.end),
    label: r.label,
    start: r.start,
    end: r.end,
  }));
  return {
    data: { values: rows },
    mark: { type: 'rect', opacity: 0.35 },
    encoding: {
      x: { field: 'x', type: x.type },
      x2: { field: 'x2' },
      color: {
        field: 'label',
        type: 'nominal',
        legend: null,
        scale: {
          domain: ['incident', 'labelled anomaly'],
          range: [palette.shade, '#9ecae1'],
        },
      },
      tooltip: [
        { field: 'label', type: 'nominal' },
        { field: 'start', type: 'quantitative', title: 'first step' },
        { field: 'end', type: 'quantitative', title: 'last step' },
      ],
    },
  };
}

export function channelsChart(input: ChannelsChartInput): ChartSpec {
  const n = input.scores.length;
  if (n === 0) throw new Error('channelsChart: no steps');
  if (input.channels.length !== input.names.length)
    throw new Error(
      `channelsChart: ${input.channels.length} channels, ${input.names.length} names`,
    );
  const x: XAxis = input.timestamps
    ? { ...xAxis(n, input.timestamps, 'time'), type: 'temporal' }
    : xAxis(n, undefined, 'step');
  const width = input.width ?? 1000;
  const height = input.panelHeight ?? 70;
  const maxPoints = input.maxPoints ?? 2000;
  const ranges = input.ranges ?? [];
  const hidden = { labels: false, ticks: false, title: null };
  const panels: object[] = input.channels.map((values, c) => {
    if (values.length !== n)
      throw new Error(
        `channelsChart: channel ${input.names[c]} has ${values.length} steps, not ${n}`,
      );
    const layers: object[] = [];
    if (ranges.length > 0) layers.push(shade(ranges, x));
    layers.push({
      data: { values: seriesRows(values, x, input.names[c]!, maxPoints) },
      mark: { type: 'line', color: palette.normal, strokeWidth: 1, clip: true },
      encoding: {
        x: { field: 'x', type: x.type, axis: hidden, scale: { nice: false } },
        y: { field: 'value', type: 'quantitative', title: input.names[c], scale: { zero: false } },
        tooltip: [
          { field: 'x', type: x.type, title: x.title },
          { field: 'value', type: 'quantitative', format: '.4~g', title: input.names[c] },
        ],
      },
    });
    return { width, height, layer: layers };
  });
  // Unscored steps (NaN) become gaps in the score line.
  const scoreRows: Row[] = seriesRows(input.scores, x, 'score', maxPoints, 'score').map((r) =>
    Number.isFinite(r.score as number) ? r : { ...r, score: null },
  );
  const scoreLayers: object[] = [];
  if (ranges.length > 0) scoreLayers.push(shade(ranges, x));
  scoreLayers.push(
    {
      data: { values: scoreRows },
      mark: { type: 'line', color: palette.anomaly, strokeWidth: 1, clip: true },
      params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
      encoding: {
        x: { field: 'x', type: x.type, title: x.title, scale: { nice: false } },
        y: { field: 'score', type: 'quantitative', title: 'score' },
        tooltip: [
          { field: 'x', type: x.type, title: x.title },
          { field: 'score', type: 'quantitative', format: '.4~g' },
        ],
      },
    },
    {
      data: { values: [{ threshold: input.threshold }] },
      mark: { type: 'rule', color: palette.threshold, strokeDash: [6, 3] },
      encoding: {
        y: { field: 'threshold', type: 'quantitative' },
        tooltip: [{ field: 'threshold', type: 'quantitative', format: '.4~g' }],
      },
    },
  );
  panels.push({ width, height: Math.round(height * 1.6), layer: scoreLayers });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Channels, incidents shaded, and the score with its threshold',
    config: { ...theme, concat: { spacing: 6 } },
    vconcat: panels,
    resolve: { scale: { x: 'shared', color: 'shared' } },
  } as ChartSpec;
}
