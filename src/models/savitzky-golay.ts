// Savitzky-Golay smoothing: each sample is replaced by the value at that sample of
// the least-squares polynomial (of the given order) fitted to the window around it.
// The coefficients are rows of the window's projection matrix
// e(s)^T (A^T A)^-1 A^T with A[i][j] = i^j, i = -h..h; the centre row smooths the
// interior and, like scipy's mode='interp', the off-centre rows evaluate the
// polynomial of the first and last window at the edge samples. A polynomial of at
// most the given order is therefore reproduced exactly everywhere.

/** Solves the small dense system M x = b (Gaussian elimination, partial pivoting). */
function solve(m: number[][], b: number[]): number[] {
  const n = b.length;
  const a = m.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (p === 0) throw new Error('savitzkyGolay: singular normal equations');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

/**
 * Coefficients [window][window]: row s + h (s = -h..h) gives the fitted polynomial
 * at offset s from the window centre, as weights of the window's samples.
 */
export function savitzkyGolayCoefficients(window: number, order: number): Float64Array[] {
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) {
    throw new RangeError(`savitzkyGolay: window must be a positive odd integer, got ${window}`);
  }
  if (!Number.isInteger(order) || order < 0 || order >= window) {
    throw new RangeError(
      `savitzkyGolay: order must be an integer in [0, ${window - 1}], got ${order}`,
    );
  }
  const h = (window - 1) / 2;
  const k = order + 1;
  // A^T A, symmetric k x k.
  const ata: number[][] = Array.from({ length: k }, (_, p) =>
    Array.from({ length: k }, (_, q) => {
      let s = 0;
      for (let i = -h; i <= h; i++) s += i ** (p + q);
      return s;
    }),
  );
  const rows: Float64Array[] = [];
  for (let s = -h; s <= h; s++) {
    // c = A (A^T A)^-1 e(s), so the weight of sample i is sum_j A[i][j] c_j.
    const e = Array.from({ length: k }, (_, j) => s ** j);
    const coef = solve(ata, e);
    const row = new Float64Array(window);
    for (let i = -h; i <= h; i++) {
      let w = 0;
      for (let j = 0; j < k; j++) w += coef[j]! * i ** j;
      row[i + h] = w;
    }
    rows.push(row);
  }
  return rows;
}

const cache = new Map<string, Float64Array[]>();

function coefficients(window: number, order: number): Float64Array[] {
  const key = `${window}/${order}`;
  let c = cache.get(key);
  if (!c) {
    c = savitzkyGolayCoefficients(window, order);
    cache.set(key, c);
  }
  return c;
}

/**
 * Smooths `channels` interleaved signals of `length` samples (row-major [length,
 * channels]) along time. A signal shorter than the window is smoothed with the
 * largest odd window that fits (and returned unchanged when that is not above
 * the order).
 */
export function savitzkyGolay(
  values: Float32Array,
  length: number,
  channels: number,
  window = 11,
  order = 2,
  out: Float32Array = new Float32Array(values.length),
): Float32Array {
  if (values.length !== length * channels) {
    throw new RangeError(`savitzkyGolay: ${values.length} values are not ${length} x ${channels}`);
  }
  let w = Math.min(window, length % 2 === 1 ? length : length - 1);
  if (w <= order) {
    out.set(values);
    return out;
  }
  if (w % 2 === 0) w -= 1;
  const rows = coefficients(w, order);
  const h = (w - 1) / 2;
  for (let t = 0; t < length; t++) {
    // The window used for t: centred on t, or the first / last window at the edges.
    const start = Math.min(Math.max(t - h, 0), length - w);
    const row = rows[t - start]!;
    for (let c = 0; c < channels; c++) {
      let acc = 0;
      for (let i = 0; i < w; i++) acc += row[i]! * values[(start + i) * channels + c]!;
      out[t * channels + c] = acc;
    }
  }
  return out;
}
