// The idx format of MNIST and Fashion-MNIST (plain or gzipped): two zero bytes, a type
// code, the number of dimensions, big-endian uint32 sizes, then big-endian elements.
import { DataError } from './errors.js';
import { copyBytes, readMaybeGzip } from './files.js';
import { DTYPE_SIZE, formatShape, shapeSize, type DType, type NdArray } from './ndarray.js';

const TYPE_CODES: Readonly<Record<number, DType>> = {
  0x08: 'uint8',
  0x09: 'int8',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** Reads any idx file into an array (elements converted to the machine's byte order). */
export function readIdx(path: string): NdArray {
  return parseIdx(readMaybeGzip(path), path);
}

/** Decodes idx bytes; `path` is for error messages. */
export function parseIdx(bytes: Uint8Array, path: string): NdArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(path, 'not an idx file (it must start with two zero bytes)');
  }
  const dtype = TYPE_CODES[bytes[2]!];
  if (dtype === undefined) {
    throw new DataError(path, `unknown idx element type 0x${bytes[2]!.toString(16)}`);
  }
  const ndim = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataStart = 4 + 4 * ndim;
  if (bytes.length < dataStart) throw new DataError(path, 'truncated idx header');
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shapeSize(shape);
  const size = DTYPE_SIZE[dtype];
  const need = count * size;
  const have = bytes.length - dataStart;
  if (have !== need) {
    throw new DataError(
      path,
      have < need
        ? `truncated: shape ${formatShape(shape)} of ${dtype} needs ${need} bytes of data, found ${have}`
        : `${have - need} unexpected bytes after the data of shape ${formatShape(shape)}`,
    );
  }
  switch (dtype) {
    case 'uint8':
      return { dtype, shape, data: copyBytes(bytes, dataStart, bytes.length) };
    case 'int8':
      return {
        dtype,
        shape,
        data: new Int8Array(copyBytes(bytes, dataStart, bytes.length).buffer),
      };
    case 'int16': {
      const data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(dataStart + 2 * i, false);
      return { dtype, shape, data };
    }
    case 'int32': {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(dataStart + 4 * i, false);
      return { dtype, shape, data };
    }
    case 'float32': {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, false);
      return { dtype, shape, data };
    }
    default: {
      const data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, false);
      return { dtype: 'float64', shape, data };
    }
  }
}

/** MNIST-style images: `data` holds `count` images of `rows x cols` bytes, row-major. */
export interface IdxImages {
  readonly data: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** `[count, rows, cols]`. */
  readonly shape: readonly [number, number, number];
  /** The file they came from. */
  readonly path: string;
}

/** Reads an idx3 image file (`*-images-idx3-ubyte[.gz]`): uint8 images `[n, 28, 28]`. */
export function readMnistImages(path: string): IdxImages {
  const array = readIdx(path);
  if (array.dtype !== 'uint8' || array.shape.length !== 3) {
    throw new DataError(
      path,
      `expected uint8 images of shape (n, rows, cols), found ${array.dtype} ${formatShape(array.shape)}`,
    );
  }
  const [count, rows, cols] = array.shape as [number, number, number];
  return { data: array.data, count, rows, cols, shape: [count, rows, cols], path };
}

/**
 * Reads an idx1 label file (`*-labels-idx1-ubyte[.gz]`): one uint8 class per image.
 * Given the images they label, refuses a file with another count (no silent subset).
 */
export function readMnistLabels(
  path: string,
  images?: { count: number; path: string },
): Uint8Array {
  const array = readIdx(path);
  if (array.dtype !== 'uint8' || array.shape.length !== 1) {
    throw new DataError(
      path,
      `expected uint8 labels of shape (n,), found ${array.dtype} ${formatShape(array.shape)}`,
    );
  }
  if (images && array.data.length !== images.count)
    throw new DataError(
      path,
      `${array.data.length} labels for the ${images.count} images of ${images.path}: one label per image is needed`,
    );
  return array.data;
}
