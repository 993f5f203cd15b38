// Empirical CDFs of errors (or scores): the validation set against each
// anomaly set, with vertical lines at the thresholds that give chosen false
// positive rates on the validation set.
import { palette } from './theme.js';
import {
  chartSpec,
  curveRows,
  fmt,
  type BaseChartOptions,
  type ChartSpec,
  type NumericArray,
  type Row,
} from './common.js';
import { DEFAULT_MAX_POINTS } from './downsample.js';

export interface NamedErrors {
  name: string;
  errors: NumericArray;
}

export interface ErrorCdfChartInput extends BaseChartOptions {
  /** Errors on normal held-out data. */
  validation: NumericArray;
  validationName?: string;
  /** Errors on each set of anomalies. */
  anomalies: readonly NamedErrors[];
  /** False positive rates (0..1) to mark: the validation quantile at 1 - fpr. */
  fprLines?: readonly number[];
  xTitle?: string;
  /** Log x axis (errors spanning decades); non-positive errors are dropped then. */
  logX?: boolean;
}

/** Sorted finite values and their CDF, with one point per distinct value. */
function cdfPoints(
  values: NumericArray,
  positiveOnly: boolean,
): { x: Float64Array; y: Float64Array } {
  const v = Float64Array.from(values).filter((e) => Number.isFinite(e) && (!positiveOnly || e > 0));
  v.sort();
  const n = v.length;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && v[i + 1] === v[i]) continue;
    xs.push(v[i]);
    ys.push((i + 1) / n);
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

/** The threshold whose false positive rate on `sorted` is at most `fpr` ("flag > t"). */
function thresholdAtFpr(sortedAsc: Float64Array, fpr: number): number {
  const n = sortedAsc.length;
  const k = Math.min(n - 1, Math.max(0, Math.ceil(n * (1 - fpr)) - 1));
  return sortedAsc[k];
}

export function errorCdfChart(input: ErrorCdfChartInput): ChartSpec {
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const logX = input.logX ?? false;
  const valName = input.validationName ?? 'validation';
  const sets = [{ name: valName, errors: input.validation }, ...input.anomalies];
  const rows: Row[] = [];
  for (const set of sets) {
    const c = cdfPoints(set.errors, logX);
    if (c.x.length === 0) throw new Error(`errorCdfChart: ${set.name} has no finite errors`);
    for (const r of curveRows(c.x, c.y, { set: set.name }, maxPoints)) rows.push(r);
  }
  const sortedVal = Float64Array.from(input.validation).filter(Number.isFinite).sort();
  const fprRows: Row[] = (input.fprLines ?? []).map((fpr) => {
    if (!(fpr >= 0 && fpr <= 1)) throw new Error(`errorCdfChart: FPR ${fpr} is not in [0, 1]`);
    const t = thresholdAtFpr(sortedVal, fpr);
    return { threshold: t, fpr, label: `FPR ${fmt(fpr * 100, 3)}%` };
  });
  const names = sets.map((s) => s.name);
  const colours = [
    palette.normal,
    ...names.slice(1).map((_, i) => palette.series[(i + 1) % palette.series.length]),
  ];
  const layers: object[] = [
    {
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', clip: true },
      params: [{ name: 'zoom', select: { type: 'interval' }, bind: 'scales' }],
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: input.xTitle ?? 'error',
          scale: logX ? { type: 'log' } : { zero: false },
        },
        y: {
          field: 'y',
          type: 'quantitative',
          title: 'cumulative fraction',
          scale: { domain: [0, 1] },
        },
        color: {
          field: 'set',
          type: 'nominal',
          title: null,
          scale: { domain: names, range: colours },
        },
        tooltip: [
          { field: 'set', type: 'nominal' },
          { field: 'x', type: 'quantitative', title: input.xTitle ?? 'error', format: '.4~g' },
          { field: 'y', type: 'quantitative', title: 'CDF', format: '.4~g' },
        ],
      },
    },
  ];
  if (fprRows.length > 0) {
    layers.push(
      {
        data: { values: fprRows },
        mark: { type: 'rule', color: palette.threshold, strokeDash: [4, 3] },
        encoding: {
          x: { field: 'threshold', type: 'quantitative' },
          tooltip: [
            { field: 'label', type: 'nominal', title: 'line' },
            { field: 'threshold', type: 'quantitative', format: '.4~g' },
          ],
        },
      },
      {
        data: { values: fprRows },
        mark: {
          type: 'text',
          color: palette.threshold,
          angle: 270,
          align: 'right',
          baseline: 'bottom',
          dx: -4,
          dy: -2,
          fontSize: 10,
        },
        encoding: {
          x: { field: 'threshold', type: 'quantitative' },
          y: { value: 0 },
          text: { field: 'label' },
        },
      },
    );
  }
  return chartSpec(input, 'Error CDFs', { layer: layers });
}
