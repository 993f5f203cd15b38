// Image normalisation learnt on the normal training images and applied to every image after:
//
// - 'none': the pixels as given;
// - 'minmax': (x - min) / (max - min), with min and max the smallest and largest pixel of the
//   training images (one pair for all pixels and channels), so training images lie in [0, 1];
// - 'gcn-minmax': Deep SVDD's preprocessing (Ruff et al., ICML 2018): global contrast
//   normalisation of each image on its own (subtract the image's mean over all pixels and
//   channels, divide by its mean absolute deviation, the l1 norm), then min-max as above with
//   the min and max of the normalised training images.
//
// Test images may fall outside [0, 1] after min-max: that is information, not an error.
// Both per-image and min-max steps are invariant to the pixels' scale (0-255 or 0-1).

export type ImageNormalization = 'none' | 'minmax' | 'gcn-minmax';

export const IMAGE_NORMALIZATIONS: readonly ImageNormalization[] = ['none', 'minmax', 'gcn-minmax'];

/** What fit learns, saved with a model. */
export interface ImageNormalizerState {
  kind: ImageNormalization;
  min: number;
  max: number;
}

/** Global contrast normalisation (l1) of one image, in place. A flat image becomes zeros. */
export function globalContrastNormalize(x: Float32Array): void {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = sum / n;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    x[i] = x[i]! - mean;
    abs += Math.abs(x[i]!);
  }
  const scale = abs / n;
  if (scale > 0) for (let i = 0; i < n; i++) x[i] = x[i]! / scale;
}

export class ImageNormalizer {
  private constructor(
    readonly kind: ImageNormalization,
    readonly min: number,
    readonly max: number,
  ) {}

  /** Learns min and max from `data`, rows of `size` values (one image each). */
  static fit(kind: ImageNormalization, data: Float32Array, size: number): ImageNormalizer {
    if (kind === 'none') return new ImageNormalizer(kind, 0, 1);
    let min = Infinity;
    let max = -Infinity;
    const row = new Float32Array(size);
    for (let off = 0; off < data.length; off += size) {
      row.set(data.subarray(off, off + size));
      if (kind === 'gcn-minmax') globalContrastNormalize(row);
      for (let i = 0; i < size; i++) {
        const v = row[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    // Constant training images: keep them at 0 instead of dividing by zero.
    if (!(max > min)) max = min + 1;
    return new ImageNormalizer(kind, min, max);
  }

  /** Normalises one image (`src`, `size` values) into `dst` at `offset`. */
  apply(src: ArrayLike<number>, dst: Float32Array, offset = 0): void {
    const n = src.length;
    const out = dst.subarray(offset, offset + n);
    for (let i = 0; i < n; i++) out[i] = src[i]!;
    if (this.kind === 'none') return;
    if (this.kind === 'gcn-minmax') globalContrastNormalize(out);
    const span = this.max - this.min;
    for (let i = 0; i < n; i++) out[i] = (out[i]! - this.min) / span;
  }

  /** Normalises rows of `size` values; returns a new array. */
  applyRows(data: Float32Array, size: number): Float32Array {
    const out = new Float32Array(data.length);
    for (let off = 0; off < data.length; off += size)
      this.apply(data.subarray(off, off + size), out, off);
    return out;
  }

  toJSON(): ImageNormalizerState {
    return { kind: this.kind, min: this.min, max: this.max };
  }

  static fromJSON(state: unknown, what: string): ImageNormalizer {
    const s = state as Partial<ImageNormalizerState> | null;
    if (
      s === null ||
      typeof s !== 'object' ||
      !IMAGE_NORMALIZATIONS.includes(s.kind as ImageNormalization) ||
      typeof s.min !== 'number' ||
      typeof s.max !== 'number' ||
      !Number.isFinite(s.min) ||
      !Number.isFinite(s.max) ||
      !(s.max > s.min)
    ) {
      throw new Error(
        `${what}: normalization must be {kind: ${IMAGE_NORMALIZATIONS.join('|')}, min, max} with finite max > min`,
      );
    }
    return new ImageNormalizer(s.kind!, s.min, s.max);
  }
}
