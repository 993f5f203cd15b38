// Images as Series rows, shared by every image detector: a row is one image flattened in
// [h, w, c] order (row-major, channels last), so `channels = h * w * c`. The networks take
// [n, c, h, w] tensors of the pixels after a per-image transform (scaled or normalised).
import { noGrad, tensor, tidy, type Module, type Tensor } from '../engine/index.js';
import { createSeries, type Series } from '../data/series.js';
import type { ImageNormalizer } from '../data/image-normalization.js';
import type { ChwShape } from '../models/conv-autoencoder.js';
import type { Detector } from './detector.js';
import { PerRowStream, type StreamOptions, type StreamScorer } from './stream-scorer.js';

/** [height, width, channels]. */
export type ImageShape = readonly [number, number, number];

/** Pixels per image, h * w * c. */
export function pixelsPerImage(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

export const chwOf = ([h, w, c]: ImageShape): ChwShape => [c, h, w];

/** Puts one image's pixels (`src`) into `dst` at `offset`, transformed (scaled, normalised). */
export type PixelTransform = (src: Float32Array, dst: Float32Array, offset: number) => void;

/**
 * The pixels through `normalizer` when it normalises, else multiplied by `pixelScale`
 * (normalisations are independent of the pixels' scale).
 */
export function pixelTransform(normalizer: ImageNormalizer, pixelScale: number): PixelTransform {
  if (normalizer.kind !== 'none') return (src, dst, offset) => normalizer.apply(src, dst, offset);
  return (src, dst, offset) => {
    for (let k = 0; k < src.length; k++) dst[offset + k] = src[k]! * pixelScale;
  };
}

/** The rows of x at `rows`, transformed, as an [n, h, w, c] tensor (the rows' own order). */
export function imageBatchHwc(
  x: Series,
  rows: ArrayLike<number>,
  shape: ImageShape,
  transform: PixelTransform,
): Tensor {
  const size = pixelsPerImage(shape);
  const n = rows.length;
  const buf = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    transform(x.data.subarray(r * size, (r + 1) * size), buf, i * size);
  }
  return tensor(buf, [n, ...shape]);
}

/** [n, h, w, c] -> [n, c, h, w], the layout of the convolutions. */
export function channelsFirst(t: Tensor): Tensor {
  const [n, h, w, c] = t.shape as number[];
  return c === 1 ? t.reshape([n!, 1, h!, w!]) : t.permute([0, 3, 1, 2]).contiguous();
}

/** The rows of x at `rows`, transformed, as an [n, c, h, w] tensor. */
export function imageBatch(
  x: Series,
  rows: ArrayLike<number>,
  shape: ImageShape,
  transform: PixelTransform,
): Tensor {
  return channelsFirst(imageBatchHwc(x, rows, shape, transform));
}

/** [n, c, h, w] back to rows in [h, w, c] order, as float32. */
export function rowsOfImages(t: Tensor): Float32Array {
  return (t.shape[1] === 1 ? t : t.permute([0, 2, 3, 1]).contiguous()).toFloat32Array();
}

/** Indices start..start+n-1. */
export function rowRange(start: number, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, k) => start + k);
}

/**
 * Applies fn to consecutive blocks of `batch` rows of x, as image tensors, with `net` in
 * eval mode and no gradients (each block's tensors freed after).
 */
export function forImageBatches(
  net: Module,
  x: Series,
  shape: ImageShape,
  transform: PixelTransform,
  fn: (images: Tensor, start: number, n: number) => void,
  batch = 512,
): void {
  net.eval();
  for (let start = 0; start < x.length; start += batch) {
    const n = Math.min(batch, x.length - start);
    tidy(() => noGrad(() => fn(imageBatch(x, rowRange(start, n), shape, transform), start, n)));
  }
}

/** 'auto' resolves to 1/255 when the training data's maximum exceeds 1 (bytes), else 1. */
export function resolvePixelScale(scale: number | 'auto', data: Float32Array): number {
  if (scale !== 'auto') return scale;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  return max > 1 ? 1 / 255 : 1;
}

/** Live scoring of a fitted image detector, one image a row, each scored on its own as in batch. */
export function perImageStream<I>(
  detector: Detector,
  options: StreamOptions<I> = {},
): StreamScorer<I> {
  const channels = detector.channels;
  return new PerRowStream<I>(
    detector,
    { score: (row) => detector.score(createSeries({ data: row, channels }))[0]! },
    options,
  );
}
