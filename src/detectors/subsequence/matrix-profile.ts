// Exact nearest-neighbour distances between subsequences (the matrix profile), one
// channel at a time, without pairwise loops over window contents:
//   - the dot products of the first row and first column come from FFT convolutions
//     (MASS's sliding dot product);
//   - every later row follows from the row above in O(1) per entry (STOMP's recurrence:
//     QT[i][j] = QT[i-1][j-1] - a[i-1] b[j-1] + a[i+w-1] b[j+w-1]),
// so a join of n and m windows costs O(n m) plain arithmetic and O(n + m) memory.
//
// Distances (window length w, means mu, standard deviations sigma, dot product QT):
//   znorm: sqrt(2 w (1 - rho)), rho = (QT / w - mu_a mu_b) / (sigma_a sigma_b), in [0, 2 sqrt(w)]
//   mean:  Euclidean distance of the mean-centred windows (keeps amplitude)
//   none:  plain Euclidean distance
// Flat windows (sigma below `flatStd`) have no shape to z-normalise: under znorm two
// flat windows are at distance 0 and a flat and a non-flat one at sqrt(2 w), the
// distance of uncorrelated windows.
import { Fft } from '../../data/fft.js';

export type Normalization = 'znorm' | 'mean' | 'none';

/** Rows between exact recomputations of the dot products (the recurrence's rounding drifts). */
export const RESYNC_ROWS = 8192;

/** Per-window statistics of one channel. */
export interface WindowStats {
  mean: Float64Array;
  std: Float64Array;
  /** Sum of squares of each window. */
  energy: Float64Array;
}

export function windowStats(x: Float64Array, w: number): WindowStats {
  const n = x.length - w + 1;
  const mean = new Float64Array(Math.max(0, n));
  const std = new Float64Array(Math.max(0, n));
  const energy = new Float64Array(Math.max(0, n));
  let s = 0;
  let q = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i]!;
    q += x[i]! * x[i]!;
    if (i >= w) {
      s -= x[i - w]!;
      q -= x[i - w]! * x[i - w]!;
    }
    // Recompute exactly now and then so rounding of the running sums cannot drift.
    if (i >= w - 1 && (i - w + 1) % 4096 === 0) {
      s = 0;
      q = 0;
      for (let k = i - w + 1; k <= i; k++) {
        s += x[k]!;
        q += x[k]! * x[k]!;
      }
    }
    if (i >= w - 1) {
      const m = s / w;
      mean[i - w + 1] = m;
      energy[i - w + 1] = q;
      std[i - w + 1] = Math.sqrt(Math.max(0, q / w - m * m));
    }
  }
  return { mean, std, energy };
}

const plans = new Map<number, Fft>();

/** FFT plans by size, kept: streaming joins transform chunks of a few sizes many times. */
function fftPlan(size: number): Fft {
  let plan = plans.get(size);
  if (!plan) {
    plan = new Fft(size);
    // Small plans only: a large one is used once per join and holds megabytes.
    if (size <= 1 << 16) plans.set(size, plan);
  }
  return plan;
}

/** dots[j] = query . series[j .. j + query.length), for every full window of series. */
export function slidingDots(query: Float64Array, series: Float64Array): Float64Array {
  const w = query.length;
  const n = series.length;
  const count = n - w + 1;
  if (count <= 0) return new Float64Array(0);
  let size = 1;
  while (size < n + w) size <<= 1;
  const fft = fftPlan(size);
  const ar = new Float64Array(size);
  const ai = new Float64Array(size);
  const br = new Float64Array(size);
  const bi = new Float64Array(size);
  ar.set(series);
  for (let k = 0; k < w; k++) br[k] = query[w - 1 - k]!;
  fft.transform(ar, ai);
  fft.transform(br, bi);
  // Product, then the inverse transform as the forward one of the conjugate.
  for (let k = 0; k < size; k++) {
    const re = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    const im = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = re;
    ai[k] = -im;
  }
  fft.transform(ar, ai);
  const out = new Float64Array(count);
  for (let j = 0; j < count; j++) out[j] = ar[j + w - 1]! / size;
  return out;
}

interface Prepared {
  x: Float64Array;
  stats: WindowStats;
  flat: Uint8Array;
  anyFlat: boolean;
}

function prepare(x: Float64Array, w: number, flatStd: number): Prepared {
  const stats = windowStats(x, w);
  const flat = new Uint8Array(stats.std.length);
  let anyFlat = false;
  for (let i = 0; i < flat.length; i++) {
    if (stats.std[i]! < flatStd) {
      flat[i] = 1;
      anyFlat = true;
    }
  }
  return { x, stats, flat, anyFlat };
}

export interface JoinOptions {
  normalization: Normalization;
  /** Windows with a standard deviation below this are flat. */
  flatStd: number;
}

/**
 * AB-join: for each window of `a`, the distance to its nearest window of `b` (length
 * a.length - w + 1). Both series must hold at least w values.
 */
export function abJoin(
  a: Float64Array,
  b: Float64Array,
  w: number,
  options: JoinOptions,
): Float64Array {
  const pa = prepare(a, w, options.flatStd);
  const pb = prepare(b, w, options.flatStd);
  const na = pa.flat.length;
  const nb = pb.flat.length;
  const out = new Float64Array(na);
  if (na <= 0 || nb <= 0) return out;
  // Row i minimises g(j) = alpha[j] QT[i][j] + beta[j] mu_a[i] + gamma[j] over j.
  const alpha = new Float64Array(nb);
  const beta = new Float64Array(nb);
  const gamma = new Float64Array(nb);
  const norm = options.normalization;
  for (let j = 0; j < nb; j++) {
    if (norm === 'znorm') {
      const inv = pb.flat[j] ? 0 : 1 / pb.stats.std[j]!;
      alpha[j] = -inv / w;
      beta[j] = pb.stats.mean[j]! * inv;
    } else if (norm === 'mean') {
      alpha[j] = -2;
      beta[j] = 2 * w * pb.stats.mean[j]!;
      gamma[j] = w * pb.stats.std[j]! ** 2;
    } else {
      alpha[j] = -2;
      gamma[j] = pb.stats.energy[j]!;
    }
  }
  const qt = slidingDots(a.subarray(0, w), b);
  const firstColumn = slidingDots(b.subarray(0, w), a);
  for (let i = 0; i < na; i++) {
    const mu = pa.stats.mean[i]!;
    let g = Infinity;
    if (i > 0 && i % RESYNC_ROWS !== 0) {
      // One pass: the row's dot products from the row above (in place, from the end), and
      // the running minimum.
      const drop = a[i - 1]!;
      const add = a[i + w - 1]!;
      for (let j = nb - 1; j > 0; j--) {
        const q = qt[j - 1]! - drop * b[j - 1]! + add * b[j + w - 1]!;
        qt[j] = q;
        const v = alpha[j]! * q + beta[j]! * mu + gamma[j]!;
        if (v < g) g = v;
      }
      qt[0] = firstColumn[i]!;
      const v0 = alpha[0]! * qt[0]! + beta[0]! * mu + gamma[0]!;
      if (v0 < g) g = v0;
    } else {
      // Now and then the row is computed afresh, so rounding cannot drift along diagonals.
      if (i > 0) qt.set(slidingDots(a.subarray(i, i + w), b));
      for (let j = 0; j < nb; j++) {
        const v = alpha[j]! * qt[j]! + beta[j]! * mu + gamma[j]!;
        if (v < g) g = v;
      }
    }
    out[i] = distanceFromBest(g, i, pa, w, norm, pb.anyFlat);
  }
  return out;
}

function distanceFromBest(
  g: number,
  i: number,
  pa: Prepared,
  w: number,
  norm: Normalization,
  otherHasFlat: boolean,
): number {
  let d2: number;
  if (norm === 'znorm') {
    if (pa.flat[i]) d2 = otherHasFlat ? 0 : 2 * w;
    else d2 = 2 * w * (1 + g / pa.stats.std[i]!);
  } else if (norm === 'mean') {
    d2 = w * pa.stats.std[i]! ** 2 + g;
  } else {
    d2 = pa.stats.energy[i]! + g;
  }
  return Math.sqrt(Math.max(0, d2));
}

/**
 * Self-join: for each window of x, the distance to its nearest other window of x that
 * starts at least `exclusion` steps away (trivial matches excluded). A window with no
 * such neighbour gets 0 (x too short to say anything).
 */
export function selfJoin(
  x: Float64Array,
  w: number,
  exclusion: number,
  options: JoinOptions,
): Float64Array {
  const p = prepare(x, w, options.flatStd);
  const n = p.flat.length;
  const best = new Float64Array(Math.max(0, n)).fill(Infinity);
  if (n <= 0) return best;
  const norm = options.normalization;
  const { mean, std, energy } = p.stats;
  // Per-window terms so that each pair costs a few multiplications.
  const inv = new Float64Array(n);
  for (let i = 0; i < n; i++) inv[i] = p.flat[i] ? 0 : 1 / std[i]!;
  const e = Math.max(1, exclusion);
  // qt[k] holds QT[i][i + e + k] for the current row i (diagonal offsets e..n-1).
  const qt = slidingDots(x.subarray(0, w), x).subarray(e);
  for (let i = 0; i < n - e; i++) {
    const cols = n - e - i;
    if (i > 0) {
      // Row i, column j = i + e + k follows from row i-1, column j-1 (same k).
      const drop = x[i - 1]!;
      const add = x[i + w - 1]!;
      for (let k = 0; k < cols; k++) {
        const j = i + e + k;
        qt[k] = qt[k]! - drop * x[j - 1]! + add * x[j + w - 1]!;
      }
    }
    let bi = best[i]!;
    const mi = mean[i]!;
    for (let k = 0; k < cols; k++) {
      const j = i + e + k;
      let d2: number;
      if (norm === 'znorm') {
        if (p.flat[i] || p.flat[j]) d2 = p.flat[i] && p.flat[j] ? 0 : 2 * w;
        else d2 = 2 * w * (1 - (qt[k]! / w - mi * mean[j]!) * inv[i]! * inv[j]!);
      } else if (norm === 'mean') {
        d2 = w * (std[i]! ** 2 + std[j]! ** 2) - 2 * (qt[k]! - w * mi * mean[j]!);
      } else {
        d2 = energy[i]! + energy[j]! - 2 * qt[k]!;
      }
      if (d2 < bi) bi = d2;
      if (d2 < best[j]!) best[j] = d2;
    }
    best[i] = bi;
  }
  for (let i = 0; i < n; i++)
    best[i] = Number.isFinite(best[i]!) ? Math.sqrt(Math.max(0, best[i]!)) : 0;
  return best;
}
