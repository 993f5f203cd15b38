// Image rows as network batches, shared by the image detectors: a Series row is one image
// flattened in [h, w, c] order (channels last), so `channels = h * w * c`; networks take
// [n, c, h, w] tensors.
import { noGrad, tensor, tidy, type Module, type Tensor } from '../engine/index.js';
import type { Series } from '../data/series.js';
import type { ChwShape } from '../models/conv-autoencoder.js';

export type HwcShape = readonly [number, number, number];

/** Puts one image's pixels (`src`) into `dst` at `offset`, transformed (scaled, normalised). */
export type PixelTransform = (src: Float32Array, dst: Float32Array, offset: number) => void;

export const chwOf = ([h, w, c]: HwcShape): ChwShape => [c, h, w];

/** The rows of x at `rows`, transformed, as an [n, c, h, w] tensor. */
export function imageBatch(
  x: Series,
  rows: ArrayLike<number>,
  shape: HwcShape,
  transform: PixelTransform,
): Tensor {
  const [h, w, c] = shape;
  const size = h * w * c;
  const n = rows.length;
  const buf = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    transform(x.data.subarray(r * size, (r + 1) * size), buf, i * size);
  }
  const t = tensor(buf, [n, h, w, c]);
  return c === 1 ? t.reshape([n, 1, h, w]) : t.permute([0, 3, 1, 2]).contiguous();
}

/** [n, c, h, w] back to rows in [h, w, c] order, as float32. */
export function rowsOfImages(t: Tensor): Float32Array {
  return (t.shape[1] === 1 ? t : t.permute([0, 2, 3, 1]).contiguous()).toFloat32Array();
}

/**
 * Applies fn to consecutive blocks of `batch` rows of x, as image tensors, with `net` in
 * eval mode and no gradients (each block's tensors freed after).
 */
export function forImageBatches(
  net: Module,
  x: Series,
  shape: HwcShape,
  transform: PixelTransform,
  fn: (images: Tensor, start: number, n: number) => void,
  batch = 512,
): void {
  net.eval();
  for (let start = 0; start < x.length; start += batch) {
    const n = Math.min(batch, x.length - start);
    const rows = Int32Array.from({ length: n }, (_, k) => start + k);
    tidy(() => noGrad(() => fn(imageBatch(x, rows, shape, transform), start, n)));
  }
}
