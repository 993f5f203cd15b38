// The geometric transformations a self-supervised image detector learns to recognise
// (Golan and El-Yaniv, NeurIPS 2018): every combination of a horizontal flip, a translation
// by -s, 0 or +s pixels along each axis, and a rotation by 0, 90, 180 or 270 degrees.
// Applied in that order to square [n, c, s, s] tensors; translations fill the uncovered
// border by reflection, so no transformation leaves a blank band that gives it away.
import type { Tensor } from '../engine/index.js';

/** Which transformations to combine. */
export interface TransformSet {
  /** The four rotations by multiples of 90 degrees (else none). */
  rotate: boolean;
  /** With and without a horizontal flip (else no flip). */
  flip: boolean;
  /** Translations by -shift, 0 and +shift pixels in x and in y (nine); 0 = none. */
  shift: number;
}

export interface GeometricTransform {
  flip: boolean;
  /** Pixels moved right (negative: left). */
  dx: number;
  /** Pixels moved down (negative: up). */
  dy: number;
  /** Quarter turns, counter-clockwise. */
  quarterTurns: number;
}

/** The transformations of a set, the identity first; their index is the class to predict. */
export function transformList(set: TransformSet): GeometricTransform[] {
  const flips = set.flip ? [false, true] : [false];
  const shifts = set.shift > 0 ? [0, -set.shift, set.shift] : [0];
  const turns = set.rotate ? [0, 1, 2, 3] : [0];
  const out: GeometricTransform[] = [];
  for (const flip of flips)
    for (const dx of shifts)
      for (const dy of shifts)
        for (const quarterTurns of turns) out.push({ flip, dx, dy, quarterTurns });
  return out;
}

/** A short name, e.g. "flip+dx4+rot90", "identity". */
export function transformName(t: GeometricTransform): string {
  const parts: string[] = [];
  if (t.flip) parts.push('flip');
  if (t.dx) parts.push(`dx${t.dx}`);
  if (t.dy) parts.push(`dy${t.dy}`);
  if (t.quarterTurns) parts.push(`rot${90 * t.quarterTurns}`);
  return parts.length ? parts.join('+') : 'identity';
}

/** Moves the content of x [n, c, h, w] by (dx, dy), the border filled by reflection. */
function translate(x: Tensor, dx: number, dy: number): Tensor {
  const [, , h, w] = x.shape as number[];
  const px = Math.abs(dx);
  const py = Math.abs(dy);
  const padded = x.pad([px, px, py, py], 'reflect');
  // Moving right by dx: output column j shows input column j - dx, i.e. padded column j - dx + px.
  return padded.slice(2, py - dy, py - dy + h!).slice(3, px - dx, px - dx + w!);
}

/** Quarter turns counter-clockwise of square images [n, c, s, s]. */
function rotate(x: Tensor, quarterTurns: number): Tensor {
  switch (quarterTurns % 4) {
    case 0:
      return x;
    case 1:
      return x.transpose(2, 3).flip([2]);
    case 2:
      return x.flip([2, 3]);
    default:
      return x.flip([2]).transpose(2, 3);
  }
}

/** t applied to square images x [n, c, s, s]. */
export function applyTransform(x: Tensor, t: GeometricTransform): Tensor {
  let y = t.flip ? x.flip([3]) : x;
  if (t.dx !== 0 || t.dy !== 0) y = translate(y, t.dx, t.dy);
  return rotate(y, t.quarterTurns).contiguous();
}
