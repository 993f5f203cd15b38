// NumPy .npz archives: a zip of .npy entries, stored or deflated (np.savez and
// np.savez_compressed). Only the entries asked for are decompressed.
import { unzipSync } from 'fflate';
import { DataError, describeError } from './errors.js';
import { readFileBytes } from './files.js';
import { formatShape, shapeSize, toFloat64Array, type NdArray } from './ndarray.js';
import { parseNpy } from './npy.js';

/**
 * Reads the arrays of an `.npz` file, keyed by entry name without `.npy`
 * (`np.savez(f, x=...)` gives key `x`). With `keys`, only those are read, and a
 * missing one is an error listing what the archive holds.
 */
export function readNpz(path: string, keys?: readonly string[]): Map<string, NdArray> {
  const bytes = readFileBytes(path);
  const wanted = keys === undefined ? undefined : new Set(keys.map((k) => `${k}.npy`));
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        return file.name.endsWith('.npy') && (wanted === undefined || wanted.has(file.name));
      },
    });
  } catch (err) {
    throw new DataError(path, `not a valid .npz (zip) archive (${describeError(err)})`, {
      cause: err,
    });
  }
  const arrays = new Map<string, NdArray>();
  for (const [name, content] of Object.entries(entries)) {
    const key = name.slice(0, -'.npy'.length);
    arrays.set(key, parseNpy(content, path, key));
  }
  for (const key of keys ?? []) {
    if (!arrays.has(key)) {
      throw new DataError(path, `missing from the archive (it holds: ${listKeys(names)})`, { key });
    }
  }
  return arrays;
}

function listKeys(names: readonly string[]): string {
  const keys = names.filter((n) => n.endsWith('.npy')).map((n) => n.slice(0, -4));
  return keys.length === 0 ? 'no arrays' : keys.join(', ');
}

/** One array of an `.npz` file. */
export function readNpzArray(path: string, key: string): NdArray {
  return readNpz(path, [key]).get(key)!;
}

/** Images and their class labels, as stored in an image `.npz`. */
export interface ImageSet {
  /** Shape `[n, h, w]` (grey) or `[n, h, w, c]` (channels last), dtype as stored. */
  readonly images: NdArray;
  readonly labels: Int32Array;
}

/**
 * Reads the image layout `{images, labels}` of an `.npz`: images `[n, h, w]` or
 * `[n, h, w, c]`, labels `[n]` (or `[n, 1]`) of integers. Key names can be changed.
 */
export function readNpzImages(
  path: string,
  options: { imagesKey?: string; labelsKey?: string } = {},
): ImageSet {
  const imagesKey = options.imagesKey ?? 'images';
  const labelsKey = options.labelsKey ?? 'labels';
  const arrays = readNpz(path, [imagesKey, labelsKey]);
  const images = arrays.get(imagesKey)!;
  const rawLabels = arrays.get(labelsKey)!;
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new DataError(
      path,
      `expected images of shape (n, h, w) or (n, h, w, c), found ${formatShape(images.shape)}`,
      { key: imagesKey },
    );
  }
  const n = images.shape[0]!;
  const labelShape = rawLabels.shape;
  const flat =
    (labelShape.length === 1 || (labelShape.length === 2 && labelShape[1] === 1)) &&
    shapeSize(labelShape) === n;
  if (!flat) {
    throw new DataError(
      path,
      `expected ${n} labels of shape (${n},) to match the images, found ${formatShape(labelShape)}`,
      { key: labelsKey },
    );
  }
  const values = toFloat64Array(rawLabels);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new DataError(path, `label ${i} is ${v}, expected an integer class`, {
        key: labelsKey,
      });
    }
    labels[i] = v;
  }
  return { images, labels };
}
