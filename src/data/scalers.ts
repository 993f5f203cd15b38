// Per-channel scaling, fitted on training data only and saved with the model, so
// test data and live streams are scaled exactly as the training data was.
// All three kinds are affine, x' = (x - center) / scale, per channel:
//   zscore: center = mean, scale = population standard deviation
//   minmax: center = min,  scale = max - min      (training data maps to [0, 1])
//   robust: center = median, scale = interquartile range (q75 - q25, linear quantiles)
// A channel with no spread (constant in training) gets scale 1, so it maps to a constant
// instead of dividing by zero.
import { createSeries, type Series } from './series.js';
import { columnMeanStd } from './column-stats.js';

export type ScalerKind = 'zscore' | 'minmax' | 'robust';

/** What `toJSON` writes and `fromJSON` reads. */
export interface ScalerState {
  kind: ScalerKind;
  center: number[];
  scale: number[];
}

const KINDS: readonly ScalerKind[] = ['zscore', 'minmax', 'robust'];

/**
 * Spread below this share of the channel's center counts as none: it is float64 rounding
 * in the mean of identical values, far below float32's resolution (6e-8) of real data.
 */
const MIN_RELATIVE_SCALE = 1e-10;

/** Linear-interpolated quantile of sorted values (NumPy's default method). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function channelStats(kind: ScalerKind, values: Float64Array): [center: number, scale: number] {
  const n = values.length;
  if (kind === 'zscore') {
    const { mean, std } = columnMeanStd(values);
    return [mean, std];
  }
  if (kind === 'minmax') {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      min = Math.min(min, values[i]!);
      max = Math.max(max, values[i]!);
    }
    return [min, max - min];
  }
  const sorted = values.sort();
  return [quantile(sorted, 0.5), quantile(sorted, 0.75) - quantile(sorted, 0.25)];
}

/** A fitted or unfitted per-channel scaler of one kind. */
export class Scaler {
  private center: Float64Array | undefined;
  private scale: Float64Array | undefined;

  constructor(readonly kind: ScalerKind) {
    if (!KINDS.includes(kind)) {
      throw new RangeError(`unknown scaler kind '${String(kind)}' (${KINDS.join(', ')})`);
    }
  }

  /** Number of channels it was fitted on (0 before fitting). */
  get channels(): number {
    return this.center?.length ?? 0;
  }

  /** Learns center and scale per channel from training data. Refuses NaN and infinities. */
  fit(series: Series): this {
    return this.fitValues(series.data, series.channels);
  }

  /** `fit` on a flat row-major array whose last axis is the channels. */
  fitValues(values: Float32Array, channels: number): this {
    if (!Number.isInteger(channels) || channels < 1 || values.length % channels !== 0) {
      throw new RangeError(`${values.length} values do not divide into ${channels} channels`);
    }
    const rows = values.length / channels;
    if (rows === 0) throw new RangeError('cannot fit a scaler on no rows');
    const center = new Float64Array(channels);
    const scale = new Float64Array(channels);
    const column = new Float64Array(rows);
    for (let c = 0; c < channels; c++) {
      for (let t = 0; t < rows; t++) {
        const v = values[t * channels + c]!;
        if (!Number.isFinite(v)) {
          throw new RangeError(`cannot fit a scaler: channel ${c} is ${v} at row ${t}`);
        }
        column[t] = v;
      }
      const [m, s] = channelStats(this.kind, column);
      center[c] = m;
      scale[c] = s > 0 && s > MIN_RELATIVE_SCALE * Math.abs(m) ? s : 1;
    }
    this.center = center;
    this.scale = scale;
    return this;
  }

  private fitted(channels: number): { center: Float64Array; scale: Float64Array } {
    if (this.center === undefined || this.scale === undefined) {
      throw new Error('scaler used before fit (or fromJSON)');
    }
    if (channels !== this.center.length) {
      throw new RangeError(`scaler was fitted on ${this.center.length} channels, got ${channels}`);
    }
    return { center: this.center, scale: this.scale };
  }

  /** Scales a series (a new one; the input is untouched). */
  transform(series: Series): Series {
    return this.withData(series, this.transformValues(series.data, series.channels));
  }

  /** Undoes `transform`. */
  inverseTransform(series: Series): Series {
    return this.withData(series, this.inverseTransformValues(series.data, series.channels));
  }

  /**
   * Scales any flat array whose last axis is the channels, e.g. windows
   * `[n, size, channels]`. `channels` defaults to the fitted count.
   */
  transformValues(values: Float32Array, channels = this.channels): Float32Array {
    const { center, scale } = this.fitted(channels);
    return this.affine(values, channels, (v, c) => (v - center[c]!) / scale[c]!);
  }

  /** Undoes `transformValues`, e.g. on predicted target windows. */
  inverseTransformValues(values: Float32Array, channels = this.channels): Float32Array {
    const { center, scale } = this.fitted(channels);
    return this.affine(values, channels, (v, c) => v * scale[c]! + center[c]!);
  }

  private affine(
    values: Float32Array,
    channels: number,
    map: (value: number, channel: number) => number,
  ): Float32Array {
    if (values.length % channels !== 0) {
      throw new RangeError(`${values.length} values do not divide into ${channels} channels`);
    }
    const out = new Float32Array(values.length);
    for (let row = 0; row < values.length; row += channels) {
      for (let c = 0; c < channels; c++) out[row + c] = map(values[row + c]!, c);
    }
    return out;
  }

  private withData(series: Series, data: Float32Array): Series {
    return createSeries({
      data,
      channels: series.channels,
      length: series.length,
      ...(series.timestamps && { timestamps: series.timestamps }),
      ...(series.names && { names: series.names }),
    });
  }

  /** The fitted parameters, for saving next to a model. */
  toJSON(): ScalerState {
    const { center, scale } = this.fitted(this.channels);
    return { kind: this.kind, center: Array.from(center), scale: Array.from(scale) };
  }

  /** Restores a scaler saved with `toJSON`, validating the state. */
  static fromJSON(state: unknown): Scaler {
    const s = state as Partial<ScalerState> | null;
    if (s === null || typeof s !== 'object' || !KINDS.includes(s.kind as ScalerKind)) {
      throw new RangeError(`not a scaler state: kind must be one of ${KINDS.join(', ')}`);
    }
    const finiteList = (v: unknown): v is number[] =>
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!finiteList(s.center) || !finiteList(s.scale) || s.center.length !== s.scale.length) {
      throw new RangeError(
        'not a scaler state: center and scale must be equal-length number lists',
      );
    }
    if (s.scale.some((x) => x <= 0)) {
      throw new RangeError('not a scaler state: every scale must be positive');
    }
    const scaler = new Scaler(s.kind as ScalerKind);
    scaler.center = Float64Array.from(s.center);
    scaler.scale = Float64Array.from(s.scale);
    return scaler;
  }
}

/** Shorthand for `new Scaler(kind).fit(train)`. */
export function fitScaler(kind: ScalerKind, train: Series): Scaler {
  return new Scaler(kind).fit(train);
}
