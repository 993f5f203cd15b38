// Sliding windows for next-window prediction and reconstruction models.
//
// Alignment: window i starts at row s = i * shift. Its input is rows [s, s + size) and
// its target is the `horizon` rows right after, [s + size, s + size + horizon). So the
// first target step of window i is row s + size (`targetStarts[i]`). Windows are only
// made while input and target fit: count = floor((length - size - horizon) / shift) + 1,
// or 0 when the series is shorter than size + horizon. With horizon 0 there is no target
// (reconstruction models use the input itself).
import type { Series } from './series.js';

export interface WindowOptions {
  /** Rows per input window. */
  size: number;
  /** Rows between the starts of consecutive windows; default 1. */
  shift?: number;
  /** Rows per target window after the input; default 0 (no target). */
  horizon?: number;
}

export interface Windows {
  /** `[count, size, channels]`, row-major. */
  readonly inputs: Float32Array;
  /** `[count, horizon, channels]`, row-major; empty when horizon is 0. */
  readonly targets: Float32Array;
  readonly count: number;
  readonly size: number;
  readonly horizon: number;
  readonly channels: number;
  /** First input row of each window. */
  readonly starts: Int32Array;
  /** First target row of each window (`starts[i] + size`), even when horizon is 0. */
  readonly targetStarts: Int32Array;
}

function checkOptions(options: WindowOptions): Required<WindowOptions> {
  const { size, shift = 1, horizon = 0 } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`window size must be a positive integer, got ${size}`);
  }
  if (!Number.isInteger(shift) || shift < 1) {
    throw new RangeError(`window shift must be a positive integer, got ${shift}`);
  }
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new RangeError(`window horizon must be a non-negative integer, got ${horizon}`);
  }
  return { size, shift, horizon };
}

/** How many windows `slidingWindows` makes from `length` rows. */
export function windowCount(length: number, options: WindowOptions): number {
  const { size, shift, horizon } = checkOptions(options);
  const span = size + horizon;
  return length < span ? 0 : Math.floor((length - span) / shift) + 1;
}

/** Cuts a series into input windows and the target windows that follow them. */
export function slidingWindows(series: Series, options: WindowOptions): Windows {
  const { size, shift, horizon } = checkOptions(options);
  const { data, channels } = series;
  const count = windowCount(series.length, options);
  const targetStride = horizon * channels;
  const targets = new Float32Array(count * targetStride);
  const starts = Int32Array.from({ length: count }, (_, i) => i * shift);
  const targetStarts = new Int32Array(count);
  const inputs = gatherWindows(data, channels, size, starts);
  for (let i = 0; i < count; i++) {
    const s = starts[i]!;
    targetStarts[i] = s + size;
    if (horizon > 0) {
      const t = (s + size) * channels;
      targets.set(data.subarray(t, t + targetStride), i * targetStride);
    }
  }
  return { inputs, targets, count, size, horizon, channels, starts, targetStarts };
}

/**
 * The windows of `size` rows starting at `starts`, from row-major data with
 * `channels` columns, as one row-major block `[starts.length, size, channels]`:
 * the batches of the window detectors, gathered where they are needed rather
 * than all at once.
 */
export function gatherWindows(
  data: Float32Array,
  channels: number,
  size: number,
  starts: ArrayLike<number>,
): Float32Array {
  const stride = size * channels;
  const out = new Float32Array(starts.length * stride);
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]! * channels;
    out.set(data.subarray(s, s + stride), i * stride);
  }
  return out;
}
