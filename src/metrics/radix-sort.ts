// In-place ascending sort of a Float64Array by LSD radix sort on the IEEE-754
// bits, about twice as fast as the built-in typed-array sort on millions of
// values (which dominates ROC/PR AUC time). The bits are mapped to unsigned
// keys whose order is the numeric order (negative numbers: all bits flipped;
// others: sign bit set), sorted 16 bits at a time, and mapped back. -0 sorts
// just before +0 as with the built-in sort. Callers reject NaN beforehand.

const SMALL = 4096;
const DIGITS = 65536;

export function sortFloat64(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < SMALL) return a.sort();
  // Word 2i is the low half of value i, word 2i + 1 the high half (little endian).
  const u = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  const counts = new Uint32Array(4 * DIGITS);
  for (let i = 0; i < n; i++) {
    let lo = u[2 * i];
    let hi = u[2 * i + 1];
    if (hi & 0x80000000) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
      u[2 * i] = lo;
    } else {
      hi = (hi | 0x80000000) >>> 0;
    }
    u[2 * i + 1] = hi;
    counts[lo & 0xffff]++;
    counts[DIGITS + (lo >>> 16)]++;
    counts[2 * DIGITS + (hi & 0xffff)]++;
    counts[3 * DIGITS + (hi >>> 16)]++;
  }
  let src: Uint32Array<ArrayBufferLike> = u;
  let dst: Uint32Array<ArrayBufferLike> = new Uint32Array(2 * n);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * DIGITS;
    // A digit shared by every key orders nothing: skip the pass.
    let first = 0;
    while (counts[base + first] === 0) first++;
    if (counts[base + first] === n) continue;
    let sum = 0;
    for (let d = 0; d < DIGITS; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i];
      const hi = src[2 * i + 1];
      const p = counts[base + (((word === 0 ? lo : hi) >>> shift) & 0xffff)]++;
      dst[2 * p] = lo;
      dst[2 * p + 1] = hi;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== u) u.set(src);
  for (let i = 0; i < n; i++) {
    const hi = u[2 * i + 1];
    if (hi & 0x80000000) {
      u[2 * i + 1] = hi & 0x7fffffff;
    } else {
      u[2 * i + 1] = ~hi >>> 0;
      u[2 * i] = ~u[2 * i] >>> 0;
    }
  }
  return a;
}
