// The seven views AMSL (Zhang et al., TKDE 2022) trains on: each segment
// [length, sensors] (row-major, time first) is seen raw and through six signal
// transformations. The self-supervised head learns to tell them apart, and each
// view has its own decoder.
import type { Rng } from '../data/random.js';
import { savitzkyGolay } from './savitzky-golay.js';

export const AMSL_VIEWS = [
  'raw',
  'noise',
  'negated',
  'reversed',
  'permuted',
  'scaled',
  'smoothed',
] as const;
export type AmslView = (typeof AMSL_VIEWS)[number];
export const AMSL_VIEW_COUNT = AMSL_VIEWS.length;

export const AMSL_SCALE_FACTORS: readonly number[] = [0.5, 0.8, 1.5, 2];

export interface ViewOptions {
  /** Signal-to-noise ratio of the Gaussian noise view, in dB (per segment and sensor). */
  snrDb: number;
  /** Pieces the time axis is cut into for the permutation view. */
  permutationPieces: number;
  smoothingWindow: number;
  smoothingOrder: number;
}

export const VIEW_DEFAULTS: ViewOptions = {
  snrDb: 5,
  permutationPieces: 5,
  smoothingWindow: 11,
  smoothingOrder: 2,
};

/** Standard normal sample by Box-Muller. */
function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Adds white Gaussian noise whose power is each sensor's signal power / 10^(snr/10). */
export function addNoise(
  x: Float32Array,
  length: number,
  sensors: number,
  snrDb: number,
  rng: Rng,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  const ratio = 10 ** (snrDb / 10);
  for (let c = 0; c < sensors; c++) {
    let power = 0;
    for (let t = 0; t < length; t++) power += x[t * sensors + c]! ** 2;
    const std = Math.sqrt(power / length / ratio);
    for (let t = 0; t < length; t++) {
      out[t * sensors + c] = x[t * sensors + c]! + std * gaussian(rng);
    }
  }
  return out;
}

export function negate(
  x: Float32Array,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
  return out;
}

export function reverseTime(
  x: Float32Array,
  length: number,
  sensors: number,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  for (let t = 0; t < length; t++) {
    out.set(x.subarray(t * sensors, (t + 1) * sensors), (length - 1 - t) * sensors);
  }
  return out;
}

/** Boundaries of `pieces` near-equal pieces of `length` steps (the first ones one longer). */
export function pieceBounds(length: number, pieces: number): number[] {
  const bounds = [0];
  const base = Math.floor(length / pieces);
  const extra = length % pieces;
  for (let p = 0; p < pieces; p++) bounds.push(bounds[p]! + base + (p < extra ? 1 : 0));
  return bounds;
}

/** A random permutation of 0..n-1 other than the identity (when n > 1). */
export function randomPermutation(n: number, rng: Rng): number[] {
  for (;;) {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    if (n <= 1 || p.some((v, i) => v !== i)) return p;
  }
}

/** Cuts time into pieces and concatenates them in the order `order` (piece indices). */
export function permutePieces(
  x: Float32Array,
  length: number,
  sensors: number,
  order: readonly number[],
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  const bounds = pieceBounds(length, order.length);
  let at = 0;
  for (const p of order) {
    const piece = x.subarray(bounds[p]! * sensors, bounds[p + 1]! * sensors);
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

export function scale(
  x: Float32Array,
  factor: number,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * factor;
  return out;
}

/**
 * The seven views of each of `count` segments, stacked view-major:
 * `[7, count, length, sensors]`, view v of segment i at offset ((v * count) + i) * length * sensors.
 * The random views (noise, permutation, scale factor) draw from rng.
 */
export function amslViews(
  segments: Float32Array,
  count: number,
  length: number,
  sensors: number,
  rng: Rng,
  options: ViewOptions = VIEW_DEFAULTS,
  /** When given, receives each segment's piece order of the permutation view. */
  orders?: number[][],
  /** Where to write the views (7 x count x length x sensors values); a new array when left out. */
  out: Float32Array = new Float32Array(AMSL_VIEW_COUNT * count * length * sensors),
): Float32Array {
  const size = length * sensors;
  if (segments.length !== count * size) {
    throw new RangeError(
      `amslViews: ${segments.length} values are not ${count} segments of ${length} x ${sensors}`,
    );
  }
  if (out.length !== AMSL_VIEW_COUNT * count * size) {
    throw new RangeError(
      `amslViews: out holds ${out.length} values, not ${AMSL_VIEW_COUNT * count * size}`,
    );
  }
  const at = (v: number, i: number) =>
    out.subarray((v * count + i) * size, (v * count + i + 1) * size);
  for (let i = 0; i < count; i++) {
    const x = segments.subarray(i * size, (i + 1) * size);
    at(0, i).set(x);
    addNoise(x, length, sensors, options.snrDb, rng, at(1, i));
    negate(x, at(2, i));
    reverseTime(x, length, sensors, at(3, i));
    const pieces = Math.min(options.permutationPieces, length);
    const order = randomPermutation(pieces, rng);
    orders?.push(order);
    permutePieces(x, length, sensors, order, at(4, i));
    scale(x, AMSL_SCALE_FACTORS[rng.nextInt(AMSL_SCALE_FACTORS.length)]!, at(5, i));
    savitzkyGolay(x, length, sensors, options.smoothingWindow, options.smoothingOrder, at(6, i));
  }
  return out;
}

/**
 * For each time step of a view, the step of the original segment it shows:
 * reversed and permuted views move steps, the others keep them in place.
 */
export function viewTimeMap(view: number, length: number, order?: readonly number[]): Int32Array {
  const map = Int32Array.from({ length }, (_, t) => t);
  if (AMSL_VIEWS[view] === 'reversed') return map.reverse();
  if (AMSL_VIEWS[view] === 'permuted') {
    if (!order) throw new Error('viewTimeMap: the permuted view needs its piece order');
    const bounds = pieceBounds(length, order.length);
    let at = 0;
    for (const p of order) for (let t = bounds[p]!; t < bounds[p + 1]!; t++) map[at++] = t;
  }
  return map;
}
