// Anomaly labels as ranges of row indices, and conversion to and from 0/1 masks.
// Ranges are inclusive at both ends, as in telemanom's labels and NAB's windows.

/** Rows `start` to `end`, both included (0-based). */
export type IndexRange = readonly [start: number, end: number];

/** Throws a RangeError unless `range` is a valid inclusive range inside `[0, length)`. */
export function checkRange(range: IndexRange, length = Infinity): void {
  const [start, end] = range;
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    throw new RangeError(`range [${start}, ${end}] has non-integer bounds`);
  }
  if (start < 0 || start > end)
    throw new RangeError(`range [${start}, ${end}] is not a valid range`);
  if (end >= length) {
    throw new RangeError(`range [${start}, ${end}] ends past the last row ${length - 1}`);
  }
}

/** A 0/1 mask of `length` rows with 1 inside any range. */
export function rangesToMask(ranges: readonly IndexRange[], length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`mask length must be a non-negative integer, got ${length}`);
  }
  const mask = new Uint8Array(length);
  for (const range of ranges) {
    checkRange(range, length);
    mask.fill(1, range[0], range[1] + 1);
  }
  return mask;
}

/** The runs of non-zero (truthy) entries of a mask, in order. */
export function maskToRanges(mask: ArrayLike<number | boolean>): IndexRange[] {
  const ranges: IndexRange[] = [];
  let start = -1;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      ranges.push([start, i - 1]);
      start = -1;
    }
  }
  if (start >= 0) ranges.push([start, mask.length - 1]);
  return ranges;
}

/** Sorts ranges and joins those that overlap or touch, as their mask would. */
export function mergeRanges(ranges: readonly IndexRange[]): IndexRange[] {
  for (const r of ranges) checkRange(r);
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
