// Folders of image files (PNG, JPEG, WebP, TIFF, GIF), decoded by sharp (libvips) into
// rows of pixels: one image a row, [h, w, c] order, values 0..255, as the image detectors
// read them. Every image is brought to one size (`resize`, or the first image's size) and
// one colour mode (grayscale: 1 channel; rgb: 3; alpha dropped). Files are listed in
// name order, subfolders included; other files (README, .DS_Store) are skipped. A file
// that does not decode, or of another size without `resize`, is an error naming it.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Sharp, SharpOptions } from 'sharp';
import { DataError, describeError } from './errors.js';

/** sharp, loaded on first use: importing the data layer does not load libvips. */
let sharpModule: ((input: string, options?: SharpOptions) => Sharp) | undefined;
async function loadSharp(): Promise<(input: string, options?: SharpOptions) => Sharp> {
  sharpModule ??= (await import('sharp')).default;
  return sharpModule;
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.gif'];

export type ColorMode = 'grayscale' | 'rgb' | 'auto';

export interface ImageFolderOptions {
  /** [height, width] every image is resized to (stretched); default: the first image's size. */
  resize?: readonly [number, number];
  /** 'auto' (default): rgb when the first image has colour channels, else grayscale. */
  color?: ColorMode;
  /**
   * Images these must match (a test folder read like the training folder): its channel
   * count, and without `resize` its size.
   */
  like?: FolderImages;
}

export interface FolderImages {
  /** Folder read. */
  dir: string;
  /** Each image's path relative to `dir`, with '/' separators, in row order. */
  files: string[];
  /** Flattened images, one row of h * w * c values in 0..255 each. */
  pixels: Float32Array;
  /** [height, width, channels]. */
  shape: [number, number, number];
}

function isImageFile(name: string): boolean {
  const lower = name.toLowerCase();
  return !name.startsWith('.') && IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/** The image files under dir, recursively, in name order (paths relative to dir). */
export function listImageFiles(dir: string): string[] {
  let stat;
  try {
    stat = statSync(dir);
  } catch (err) {
    throw new DataError(dir, `image folder not found (${describeError(err)})`, { cause: err });
  }
  if (!stat.isDirectory()) throw new DataError(dir, 'is a file, expected a folder of images');
  const out: string[] = [];
  const walk = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const path = join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(path);
      else if (e.isFile() && isImageFile(e.name))
        out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  if (out.length === 0)
    throw new DataError(
      dir,
      `no image files in the folder (looked for ${IMAGE_EXTENSIONS.join(', ')})`,
    );
  return out;
}

interface Decoded {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

/** Decodes one file to raw pixels in the colour mode, resized when asked. */
async function decode(
  path: string,
  channels: 1 | 3,
  resize: readonly [number, number] | undefined,
): Promise<Decoded> {
  const sharp = await loadSharp();
  try {
    let img = sharp(path, { failOn: 'error' }).removeAlpha();
    if (resize) img = img.resize({ width: resize[1], height: resize[0], fit: 'fill' });
    img = channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels)
      throw new Error(`decoded to ${info.channels} channels, expected ${channels}`);
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw new DataError(path, `cannot be read as an image (${describeError(err)})`, {
      cause: err,
    });
  }
}

/** The colour mode of the first image when 'auto': grayscale when it has one colour channel. */
async function resolveChannels(path: string, color: ColorMode): Promise<1 | 3> {
  if (color === 'grayscale') return 1;
  if (color === 'rgb') return 3;
  const sharp = await loadSharp();
  try {
    const m = await sharp(path).metadata();
    const colour = (m.channels ?? 3) - (m.hasAlpha ? 1 : 0);
    return colour <= 1 ? 1 : 3;
  } catch (err) {
    throw new DataError(path, `cannot be read as an image (${describeError(err)})`, {
      cause: err,
    });
  }
}

/** Reads every image under dir (see the file's opening comment). */
export async function readImageFolder(
  dir: string,
  options: ImageFolderOptions = {},
): Promise<FolderImages> {
  const { resize, like } = options;
  if (resize && !resize.every((v) => Number.isInteger(v) && v >= 1))
    throw new RangeError(`resize must be two positive integers [height, width], got [${resize}]`);
  const files = listImageFiles(dir);
  const channels = like
    ? (like.shape[2] as 1 | 3)
    : await resolveChannels(join(dir, files[0]!), options.color ?? 'auto');
  // The size every image must have: resized to it, else the first image's (or like's).
  let shape: [number, number, number] | undefined = resize
    ? [resize[0], resize[1], channels]
    : like && [like.shape[0], like.shape[1], channels];
  const reference = resize ? undefined : like ? `${like.dir}/${like.files[0]}` : files[0];
  let pixels = new Float32Array(shape ? files.length * shape[0] * shape[1] * channels : 0);
  // A few files at a time: libvips decodes on its own threads.
  const chunk = 8;
  for (let start = 0; start < files.length; start += chunk) {
    const names = files.slice(start, start + chunk);
    const decoded = await Promise.all(names.map((f) => decode(join(dir, f), channels, resize)));
    decoded.forEach((d, k) => {
      if (!shape) {
        shape = [d.height, d.width, channels];
        pixels = new Float32Array(files.length * d.height * d.width * channels);
      } else if (d.height !== shape[0] || d.width !== shape[1]) {
        throw new DataError(
          join(dir, names[k]!),
          `is ${d.height}x${d.width} pixels (height x width), unlike the ${shape[0]}x${shape[1]} of ${reference}; give a resize size to bring all images to one`,
        );
      }
      pixels.set(d.data, (start + k) * d.data.length);
    });
  }
  return { dir, files, pixels, shape: shape! };
}

/**
 * Labels of a test folder from its subfolders: images in `normalFolder` (e.g. good/) are
 * normal (0), images in any other subfolder (crack/, scratch/) anomalous (1). Without
 * subfolders the images are unlabelled (undefined). A folder that mixes both is refused.
 */
export function labelsFromSubfolders(
  images: FolderImages,
  normalFolder = 'good',
): Uint8Array | undefined {
  const top = images.files.filter((f) => !f.includes('/'));
  if (top.length === images.files.length) return undefined;
  if (top.length > 0)
    throw new DataError(
      images.dir,
      `holds images at its top level (${top[0]}) and in subfolders; put every image in ${normalFolder}/ (normal) or a subfolder named after its defect (anomalous), or none in subfolders (unlabelled)`,
    );
  return Uint8Array.from(images.files, (f) => (f.split('/')[0] === normalFolder ? 0 : 1));
}
