// Converting between per-sample 0/1 masks and ranges of consecutive 1s; the
// event-level, range-based, VUS and point-adjusted metrics all work on ranges.
import type { Labels, Range } from './types.js';

/** Maximal runs of non-zero entries, in order, ends inclusive. */
export function maskToRanges(mask: Labels): Range[] {
  const out: Range[] = [];
  const n = mask.length;
  let i = 0;
  while (i < n) {
    if (mask[i] === 0) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && mask[i] !== 0) i++;
    out.push({ start, end: i - 1 });
  }
  return out;
}

/** A 0/1 mask of length n with the given ranges set (clipped to [0, n)). */
export function rangesToMask(ranges: readonly Range[], n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (const r of ranges) {
    if (r.end < r.start) throw new Error(`range ${r.start}..${r.end} ends before it starts`);
    mask.fill(1, Math.max(0, r.start), Math.min(n, r.end + 1));
  }
  return mask;
}
