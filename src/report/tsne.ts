// Exact t-SNE (van der Maaten and Hinton, 2008) for small point sets, seeded.
//
// The npm t-SNE packages were not a fit: tsne-js pulls in the unmaintained
// cwise/ndarray chain (code generation at run time), and the tsnejs ports use
// Math.random, so runs cannot be repeated. This is the plain O(n^2) algorithm
// (no Barnes-Hut), meant for at most a few thousand points:
//
// - affinities: for each point a Gaussian whose width is found by bisection so
//   that the perplexity of its conditional distribution is `perplexity`;
//   P = (P_j|i + P_i|j) / 2n;
// - embedding: Student-t (one degree of freedom) similarities Q, gradient descent
//   on KL(P || Q) with momentum 0.5 then 0.8, per-coordinate gains, and early
//   exaggeration (P x 12) for the first quarter of the iterations (at most 250);
// - start: N(0, 1e-4) from the seeded generator, so the same seed and data give
//   the same embedding.
import { createRng } from '../data/random.js';
import type { Schema } from '../config/schema.js';

/** A t-SNE map of a series' windows: which windows, how many points, how long to run. */
export interface TsneWindowSettings {
  /** Steps per window. */
  window: number;
  /** Steps between window starts. */
  shift: number;
  /** The most windows mapped (a seeded subsample beyond). */
  maxPoints: number;
  perplexity: number;
  iterations: number;
}

/** The fields of TsneWindowSettings in a config file, their types and ranges. */
export const TSNE_WINDOW_SCHEMA: Schema = {
  window: { type: 'int', min: 1 },
  shift: { type: 'int', min: 1 },
  maxPoints: { type: 'int', min: 10, max: 2000 },
  perplexity: { type: 'number', min: 1 },
  iterations: { type: 'int', min: 10 },
};

export interface TsneOptions {
  /** Effective number of neighbours; default 30, lowered to (n - 1) / 3 for small n. */
  perplexity?: number;
  /** Gradient steps; default 500. */
  iterations?: number;
  /** Default 200. */
  learningRate?: number;
  /** Default 0. */
  seed?: number;
  /** Called every 10 iterations with the iteration reached (for progress bars). */
  onIteration?: (iteration: number, total: number) => void;
}

export interface TsneResult {
  /** Coordinates per point. */
  x: Float64Array;
  y: Float64Array;
  /** KL(P || Q) at the end. */
  kl: number;
}

/** Squared Euclidean distances of `n` points of `dim` values (row-major), n x n. */
function squaredDistances(data: ArrayLike<number>, n: number, dim: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * dim;
    for (let j = i + 1; j < n; j++) {
      const oj = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const diff = data[oi + k]! - data[oj + k]!;
        s += diff * diff;
      }
      d[i * n + j] = s;
      d[j * n + i] = s;
    }
  }
  return d;
}

/** Joint affinities P (symmetric, summing to 1) at the given perplexity. */
function affinities(dist: Float64Array, n: number, perplexity: number): Float64Array {
  const p = new Float64Array(n * n);
  const target = Math.log(perplexity);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    // Distances relative to the nearest neighbour keep exp() in range.
    let dmin = Infinity;
    for (let j = 0; j < n; j++) if (j !== i && dist[i * n + j]! < dmin) dmin = dist[i * n + j]!;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) {
          row[j] = 0;
          continue;
        }
        const dj = dist[i * n + j]! - dmin;
        const v = Math.exp(-dj * beta);
        row[j] = v;
        sum += v;
        weighted += dj * v;
      }
      // Entropy H = log(sum) + beta * E[d]; aim for H = log(perplexity).
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      const gap = entropy - target;
      for (let j = 0; j < n; j++) row[j]! /= sum;
      if (Math.abs(gap) < 1e-5) break;
      if (gap > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    p.set(row, i * n);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.max((p[i * n + j]! + p[j * n + i]!) / (2 * n), 1e-12);
      p[i * n + j] = v;
      p[j * n + i] = v;
    }
    p[i * n + i] = 0;
  }
  return p;
}

/**
 * Embeds `n` points of `dim` values (row-major) in two dimensions. Identical
 * points are fine; `n` must be at least 2. Cost is O(n^2) memory and O(n^2) per
 * iteration: keep n to a few thousand.
 */
export function tsne(
  data: ArrayLike<number>,
  n: number,
  dim: number,
  options: TsneOptions = {},
): TsneResult {
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`tsne: needs at least 2 points, got ${n}`);
  if (data.length !== n * dim)
    throw new RangeError(`tsne: ${data.length} values for ${n} points of ${dim}`);
  const iterations = options.iterations ?? 500;
  const eta = options.learningRate ?? 200;
  const perplexity = Math.max(1, Math.min(options.perplexity ?? 30, (n - 1) / 3));
  const rng = createRng(options.seed ?? 0);
  const normal = (): number => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const p = affinities(squaredDistances(data, n, dim), n, perplexity);
  const y = new Float64Array(2 * n);
  for (let k = 0; k < 2 * n; k++) y[k] = normal() * 1e-4;
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  const attract = new Float64Array(2 * n);
  const repulse = new Float64Array(2 * n);
  const exaggerationEnd = Math.min(250, Math.floor(iterations / 4));
  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < exaggerationEnd ? 12 : 1;
    const momentum = it < exaggerationEnd ? 0.5 : 0.8;
    // One pass over the pairs: with v = 1 / (1 + |yi - yj|^2) and Q = v / sum(v),
    // grad_i = 4 sum_j (e p_ij - q_ij) v_ij (yi - yj)
    //        = 4 (e sum_j p_ij v_ij (yi - yj) - sum_j v_ij^2 (yi - yj) / sum(v)).
    let qSum = 0;
    attract.fill(0);
    repulse.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = y[2 * i]!;
      const yi = y[2 * i + 1]!;
      let ax = 0;
      let ay = 0;
      let rx = 0;
      let ry = 0;
      for (let j = i + 1; j < n; j++) {
        const dx = xi - y[2 * j]!;
        const dy = yi - y[2 * j + 1]!;
        const v = 1 / (1 + dx * dx + dy * dy);
        qSum += 2 * v;
        const pv = p[i * n + j]! * v;
        const vv = v * v;
        ax += pv * dx;
        ay += pv * dy;
        rx += vv * dx;
        ry += vv * dy;
        attract[2 * j]! -= pv * dx;
        attract[2 * j + 1]! -= pv * dy;
        repulse[2 * j]! -= vv * dx;
        repulse[2 * j + 1]! -= vv * dy;
      }
      attract[2 * i]! += ax;
      attract[2 * i + 1]! += ay;
      repulse[2 * i]! += rx;
      repulse[2 * i + 1]! += ry;
    }
    for (let k = 0; k < 2 * n; k++) grad[k] = 4 * (exaggeration * attract[k]! - repulse[k]! / qSum);
    for (let k = 0; k < 2 * n; k++) {
      const g = grad[k]!;
      gains[k] = Math.sign(g) !== Math.sign(update[k]!) ? gains[k]! + 0.2 : gains[k]! * 0.8;
      if (gains[k]! < 0.01) gains[k] = 0.01;
      update[k] = momentum * update[k]! - eta * gains[k]! * g;
      y[k]! += update[k]!;
    }
    // Keep the embedding centred.
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      mx += y[2 * i]!;
      my += y[2 * i + 1]!;
    }
    mx /= n;
    my /= n;
    for (let i = 0; i < n; i++) {
      y[2 * i]! -= mx;
      y[2 * i + 1]! -= my;
    }
    if (options.onIteration && ((it + 1) % 10 === 0 || it === iterations - 1))
      options.onIteration(it + 1, iterations);
  }
  // KL(P || Q) of the final embedding.
  let qSum = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      qSum += 2 / (1 + (y[2 * i]! - y[2 * j]!) ** 2 + (y[2 * i + 1]! - y[2 * j + 1]!) ** 2);
  let kl = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const q =
        1 / (1 + (y[2 * i]! - y[2 * j]!) ** 2 + (y[2 * i + 1]! - y[2 * j + 1]!) ** 2) / qSum;
      kl += 2 * p[i * n + j]! * Math.log(p[i * n + j]! / Math.max(q, 1e-300));
    }
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = y[2 * i]!;
    ys[i] = y[2 * i + 1]!;
  }
  return { x: xs, y: ys, kl };
}

/**
 * Up to `max` distinct indices of [0, n), seeded, in increasing order (all of them
 * when n <= max).
 */
export function subsampleIndices(n: number, max: number, seed = 0): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(seed);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  // Partial Fisher-Yates: the first `max` entries become a uniform sample.
  for (let i = 0; i < max; i++) {
    const j = i + rng.nextInt(n - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.subarray(0, max).sort();
}
