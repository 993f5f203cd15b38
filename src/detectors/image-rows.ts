// Images as Series rows, shared by the image detectors: a row is one image flattened in
// [h, w, c] order (row-major, channels last), so `channels = h * w * c`. The networks take
// [n, c, h, w] tensors of pixels multiplied by a pixel scale.
import { tensor, type Tensor } from '../engine/index.js';
import { createSeries, type Series } from '../data/series.js';
import type { Detector } from './detector.js';
import { PerRowStream, type StreamOptions, type StreamScorer } from './stream-scorer.js';

/** [height, width, channels]. */
export type ImageShape = readonly [number, number, number];

/** Pixels per image, h * w * c. */
export function pixelsPerImage(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/** The rows of x at `rows`, scaled by `scale`, as an [n, h, w, c] tensor (the rows' own order). */
export function imageTensorHwc(
  x: Series,
  rows: ArrayLike<number>,
  shape: ImageShape,
  scale: number,
): Tensor {
  const size = pixelsPerImage(shape);
  const n = rows.length;
  const buf = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const src = x.data.subarray(r * size, (r + 1) * size);
    const off = i * size;
    for (let k = 0; k < size; k++) buf[off + k] = src[k]! * scale;
  }
  return tensor(buf, [n, ...shape]);
}

/** [n, h, w, c] -> [n, c, h, w], the layout of the convolutions. */
export function channelsFirst(t: Tensor): Tensor {
  const [n, h, w, c] = t.shape as number[];
  return c === 1 ? t.reshape([n!, 1, h!, w!]) : t.permute([0, 3, 1, 2]).contiguous();
}

/** The rows of x at `rows`, scaled by `scale`, as an [n, c, h, w] tensor. */
export function imageTensor(
  x: Series,
  rows: ArrayLike<number>,
  shape: ImageShape,
  scale: number,
): Tensor {
  return channelsFirst(imageTensorHwc(x, rows, shape, scale));
}

/** Indices start..start+n-1. */
export function rowRange(start: number, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, k) => start + k);
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
