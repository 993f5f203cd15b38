// The Series: a multichannel time series stored as one row-major float32 block,
// the layout models and windowing read without copying channel by channel.

/**
 * A time series of `length` steps and `channels` values per step.
 * `data[t * channels + c]` is channel `c` at step `t`.
 */
export interface Series {
  readonly data: Float32Array;
  readonly length: number;
  readonly channels: number;
  /** Epoch milliseconds (UTC), one per step, when the source had times. */
  readonly timestamps?: Float64Array;
  /** One name per channel, when the source had them. */
  readonly names?: readonly string[];
}

/** What `createSeries` needs; `length` may be left out and is then derived from the data. */
export interface SeriesInit {
  data: Float32Array;
  channels: number;
  length?: number;
  timestamps?: Float64Array;
  names?: readonly string[];
}

/** A channel given by position (0-based) or by name. */
export type ChannelRef = number | string;

/** Builds a Series, checking that data, timestamps and names agree in size. */
export function createSeries(init: SeriesInit): Series {
  const { data, channels } = init;
  if (!Number.isInteger(channels) || channels < 1) {
    throw new RangeError(`series channels must be a positive integer, got ${channels}`);
  }
  const length = init.length ?? data.length / channels;
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(
      `series data of ${data.length} values does not divide into ${channels} channels`,
    );
  }
  if (data.length !== length * channels) {
    throw new RangeError(
      `series data has ${data.length} values, expected ${length} x ${channels} = ${length * channels}`,
    );
  }
  if (init.timestamps !== undefined && init.timestamps.length !== length) {
    throw new RangeError(`series has ${length} steps but ${init.timestamps.length} timestamps`);
  }
  if (init.names !== undefined && init.names.length !== channels) {
    throw new RangeError(`series has ${channels} channels but ${init.names.length} names`);
  }
  const series: { -readonly [K in keyof Series]: Series[K] } = { data, length, channels };
  if (init.timestamps !== undefined) series.timestamps = init.timestamps;
  if (init.names !== undefined) series.names = [...init.names];
  return series;
}

/** Builds a Series from one array per channel (all the same length). */
export function seriesFromColumns(
  columns: readonly ArrayLike<number>[],
  options: { timestamps?: Float64Array; names?: readonly string[] } = {},
): Series {
  if (columns.length === 0) throw new RangeError('seriesFromColumns needs at least one column');
  const length = columns[0]!.length;
  const channels = columns.length;
  const data = new Float32Array(length * channels);
  columns.forEach((col, c) => {
    if (col.length !== length) {
      throw new RangeError(`column ${c} has ${col.length} values, column 0 has ${length}`);
    }
    for (let t = 0; t < length; t++) data[t * channels + c] = col[t]!;
  });
  return createSeries({ data, channels, length, ...options });
}

/** Resolves a channel reference to its index, with an error listing what exists. */
export function channelIndex(series: Series, ref: ChannelRef): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= series.channels) {
      throw new RangeError(`channel ${ref} out of range: series has ${series.channels} channels`);
    }
    return ref;
  }
  const index = series.names?.indexOf(ref) ?? -1;
  if (index < 0) {
    const known = series.names ? series.names.join(', ') : 'none (the series has no names)';
    throw new RangeError(`no channel named '${ref}'; channel names: ${known}`);
  }
  return index;
}

/** One channel as its own contiguous array (a copy). */
export function column(series: Series, ref: ChannelRef): Float32Array {
  const c = channelIndex(series, ref);
  const { data, length, channels } = series;
  const out = new Float32Array(length);
  for (let t = 0; t < length; t++) out[t] = data[t * channels + c]!;
  return out;
}

/** Steps `start` (inclusive) to `end` (exclusive) as a new Series; copies, never aliases. */
export function sliceRows(series: Series, start: number, end: number = series.length): Series {
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    throw new RangeError(`sliceRows bounds must be integers, got ${start}..${end}`);
  }
  if (start < 0 || end > series.length || start > end) {
    throw new RangeError(`sliceRows ${start}..${end} outside 0..${series.length}`);
  }
  const { channels } = series;
  return createSeries({
    data: series.data.slice(start * channels, end * channels),
    channels,
    length: end - start,
    ...(series.timestamps && { timestamps: series.timestamps.slice(start, end) }),
    ...(series.names && { names: series.names }),
  });
}

/** A new Series holding the given rows (time steps), in the given order. */
export function selectRows(series: Series, rows: readonly number[]): Series {
  const { channels, length } = series;
  const data = new Float32Array(rows.length * channels);
  rows.forEach((r, i) => {
    if (!Number.isInteger(r) || r < 0 || r >= length)
      throw new RangeError(`selectRows: row ${r} outside 0..${length - 1}`);
    data.set(series.data.subarray(r * channels, (r + 1) * channels), i * channels);
  });
  const ts = series.timestamps;
  return createSeries({
    data,
    channels,
    length: rows.length,
    ...(ts && { timestamps: Float64Array.from(rows, (r) => ts[r]!) }),
    ...(series.names && { names: series.names }),
  });
}

/** A new Series holding the given channels, in the given order. */
export function selectChannels(series: Series, refs: readonly ChannelRef[]): Series {
  if (refs.length === 0) throw new RangeError('selectChannels needs at least one channel');
  const indices = refs.map((ref) => channelIndex(series, ref));
  const { data, length, channels } = series;
  const k = indices.length;
  const out = new Float32Array(length * k);
  for (let t = 0; t < length; t++) {
    const row = t * channels;
    for (let j = 0; j < k; j++) out[t * k + j] = data[row + indices[j]!]!;
  }
  return createSeries({
    data: out,
    channels: k,
    length,
    ...(series.timestamps && { timestamps: series.timestamps.slice() }),
    ...(series.names && { names: indices.map((i) => series.names![i]!) }),
  });
}

/** Value of channel `c` at step `t`. */
export function valueAt(series: Series, t: number, c = 0): number {
  if (t < 0 || t >= series.length || c < 0 || c >= series.channels) {
    throw new RangeError(`valueAt(${t}, ${c}) outside ${series.length} x ${series.channels}`);
  }
  return series.data[t * series.channels + c]!;
}

/**
 * Stacks equally shaped series into one block `[n, length, channels]`, e.g. the DSADS
 * segments into a batch.
 */
export function stackSeries(list: readonly Series[]): {
  data: Float32Array;
  shape: [number, number, number];
} {
  if (list.length === 0) throw new RangeError('stackSeries needs at least one series');
  const { length, channels } = list[0]!;
  const size = length * channels;
  const data = new Float32Array(list.length * size);
  list.forEach((s, i) => {
    if (s.length !== length || s.channels !== channels) {
      throw new RangeError(
        `series ${i} is ${s.length} x ${s.channels}, series 0 is ${length} x ${channels}`,
      );
    }
    data.set(s.data, i * size);
  });
  return { data, shape: [list.length, length, channels] };
}

/** Index of the first non-finite value, or -1; readers use it to refuse NaN. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return i;
  }
  return -1;
}
