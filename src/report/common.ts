// Shared pieces of the chart builders: input types and row helpers.
import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_MAX_POINTS, minMaxBucketIndices } from './downsample.js';
import { chartSize, theme } from './theme.js';

/** A Vega-Lite spec as the builders return it. */
export type ChartSpec = TopLevelSpec;

/** Plain numbers: a typed array or an array. */
export type NumericArray = ArrayLike<number>;

/** x positions of a series: sample indices, epoch milliseconds or dates. */
export type XValues = NumericArray | readonly Date[];

/** Options every builder takes. */
export interface BaseChartOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Most points plotted per series (min/max bucketing past that); default 5,000. */
  maxPoints?: number;
}

/**
 * A single-view spec: schema, theme, the caller's title and size (else the default size),
 * then the view itself (`layer`, or `data`, `mark` and `encoding`).
 */
export function chartSpec(input: BaseChartOptions, title: string, view: object): ChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: input.title ?? title,
    config: theme,
    width: input.width ?? chartSize.width,
    height: input.height ?? chartSize.height,
    ...view,
  } as ChartSpec;
}

/** Options for a square chart: `side` wide unless a width is given, as high as wide unless a height is. */
export function squareOptions(input: BaseChartOptions, side: number): BaseChartOptions {
  const width = input.width ?? side;
  return { title: input.title, width, height: input.height ?? width };
}

/** A labelled anomaly range, in sample indices, both ends inclusive. */
export interface LabelledRange {
  start: number;
  end: number;
  label?: string;
}

/** One row of plotted data. */
export type Row = Record<string, number | string | boolean | null>;

export interface XAxis {
  /** x of sample i as a plain number (epoch ms for time). */
  at(i: number): number;
  type: 'quantitative' | 'temporal';
  title: string;
}

/** Reads x positions; absent means sample indices. */
export function xAxis(n: number, x: XValues | undefined, title?: string): XAxis {
  if (x === undefined) return { at: (i) => i, type: 'quantitative', title: title ?? 'sample' };
  if (x.length !== n) throw new Error(`x has ${x.length} values for ${n} samples`);
  if (x.length > 0 && x[0] instanceof Date) {
    const d = x as readonly Date[];
    return { at: (i) => d[i].getTime(), type: 'temporal', title: title ?? 'time' };
  }
  const v = x as NumericArray;
  return { at: (i) => v[i], type: 'quantitative', title: title ?? 'sample' };
}

/** Long-format rows of one series, downsampled with min/max bucketing. */
export function seriesRows(
  values: NumericArray,
  x: XAxis,
  name: string,
  maxPoints: number = DEFAULT_MAX_POINTS,
  valueField = 'value',
): Row[] {
  const idx = minMaxBucketIndices(values, maxPoints);
  const rows: Row[] = new Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    rows[k] = { x: x.at(i), [valueField]: values[i], series: name };
  }
  return rows;
}

/**
 * Rows of an (x, y) curve in input order (field `i` keeps that order for
 * lines that double back), dropping non-finite points and downsampling on y.
 */
export function curveRows(
  xs: NumericArray,
  ys: NumericArray,
  extra: Row,
  maxPoints: number = DEFAULT_MAX_POINTS,
): Row[] {
  if (xs.length !== ys.length) {
    throw new Error(`curve has ${xs.length} x values and ${ys.length} y values`);
  }
  const keep: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) keep.push(i);
  }
  // Bucket on y along the finite points so steps and spikes survive.
  const yk = keep.map((i) => ys[i]);
  const idx = minMaxBucketIndices(yk, maxPoints);
  const rows: Row[] = [];
  for (let j = 0; j < idx.length; j++) {
    const i = keep[idx[j]];
    rows.push({ ...extra, i: j, x: xs[i], y: ys[i] });
  }
  return rows;
}

/** Rounds for tooltips and labels. */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  return Number.parseFloat(v.toPrecision(digits)).toString();
}

export function checkLength(what: string, a: NumericArray, n: number): void {
  if (a.length !== n) throw new Error(`${what} has ${a.length} values, expected ${n}`);
}
