// Placing NAB's labelled windows (pairs of timestamps) on a file's rows, and
// the probationary period during which a detector is only learning.
import type { Range } from '../types.js';

/**
 * Row ranges of windows given as [start, end] times: from the first row at or
 * after the start to the last row at or before the end. NAB's windows begin
 * and end on row timestamps, where this is exact. Windows with no row are
 * dropped; windows must be in time order and disjoint.
 */
export function locateWindows(
  times: Float64Array,
  windows: readonly (readonly [number, number])[],
): Range[] {
  const out: Range[] = [];
  let i = 0;
  for (const [start, end] of windows) {
    if (end < start) throw new Error(`window ends before it starts`);
    while (i < times.length && times[i] < start) i++;
    let j = i;
    while (j < times.length && times[j] <= end) j++;
    if (j > i) {
      if (out.length > 0 && i <= out[out.length - 1].end) throw new Error('windows overlap');
      out.push({ start: i, end: j - 1 });
    }
    i = j;
  }
  return out;
}

/** NAB's probationary rows: 15% of the file, at most 15% of 5000 rows. */
export function probationaryLength(rows: number, percent = 0.15): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}
