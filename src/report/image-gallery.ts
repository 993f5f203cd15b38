// Image galleries for reports: thumbnails of scored images (the most and least anomalous),
// encoded as PNG by sharp and embedded as data: URIs, so the report stays one file.
import sharp from 'sharp';

export interface GalleryImage {
  /** PNG bytes of the thumbnail. */
  png: Uint8Array;
  /** One line under the image: file name or index, label. */
  caption: string;
  score: number;
  /** 0 normal, 1 anomalous, undefined unknown: shown as a coloured frame. */
  label?: number;
}

export interface ImageGallery {
  title: string;
  description?: string;
  images: readonly GalleryImage[];
}

/**
 * A PNG thumbnail of one image, pixels in [h, w, c] order (c 1 or 3; other counts show
 * their first channel). Values above 1 are read as 0..255, else as 0..1. Small images are
 * enlarged with nearest-neighbour sampling (pixels stay sharp) to about `size` pixels on
 * their longer side; large ones shrunk to it.
 */
export async function imageThumbnail(
  pixels: ArrayLike<number>,
  shape: readonly [number, number, number],
  size = 96,
): Promise<Uint8Array> {
  const [h, w, c] = shape;
  const out = c === 3 ? 3 : 1;
  let max = 0;
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! > max) max = pixels[i]!;
  const scale = max > 1 ? 1 : 255;
  const bytes = new Uint8Array(h * w * out);
  for (let p = 0; p < h * w; p++)
    for (let k = 0; k < out; k++) {
      const v = pixels[p * c + k]! * scale;
      bytes[p * out + k] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  const factor = size / Math.max(h, w);
  const png = await sharp(bytes, { raw: { width: w, height: h, channels: out } })
    .resize({
      width: Math.max(1, Math.round(w * factor)),
      height: Math.max(1, Math.round(h * factor)),
      kernel: factor >= 1 ? 'nearest' : 'lanczos3',
    })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}
