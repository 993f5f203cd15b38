// N-dimensional arrays as files hold them (NumPy, idx): a dtype, a shape and a flat
// typed array in C order. Readers return these untouched; conversion to the float32
// Series models use is explicit, so no precision or integer range is lost by surprise.
import { DataError } from './errors.js';
import { createSeries, type Series } from './series.js';

/** The element types the readers understand. */
export interface DTypeArrays {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  /** Stored as one byte per element, 0 or 1. */
  bool: Uint8Array;
}

export type DType = keyof DTypeArrays;

/** An array of one dtype; narrowing on `dtype` narrows `data`. Shape `[]` is a scalar. */
export type NdArray = {
  [D in DType]: {
    readonly dtype: D;
    readonly shape: readonly number[];
    readonly data: DTypeArrays[D];
  };
}[DType];

/** Bytes per element. */
export const DTYPE_SIZE: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

/** Number of elements of a shape (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `(2880, 25)`-style text for messages, as NumPy prints shapes. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * The elements as float64 numbers. 64-bit integers beyond 2^53 lose precision, as they
 * would in any JavaScript number.
 */
export function toFloat64Array(array: NdArray): Float64Array {
  if (array.dtype === 'float64') return array.data;
  if (array.dtype === 'int64' || array.dtype === 'uint64') {
    return Float64Array.from(array.data as ArrayLike<bigint> & Iterable<bigint>, Number);
  }
  return Float64Array.from(array.data);
}

/** The elements as float32 (a copy unless the array already is float32). */
export function toFloat32Array(array: NdArray): Float32Array {
  if (array.dtype === 'float32') return array.data;
  if (array.dtype === 'int64' || array.dtype === 'uint64') {
    return Float32Array.from(array.data as ArrayLike<bigint> & Iterable<bigint>, Number);
  }
  return Float32Array.from(array.data);
}

/**
 * A 1-D array `(t,)` or 2-D array `(t, c)` as a Series of float32. NaN and infinities
 * are refused unless `allowNaN`, naming the file and the element.
 */
export function ndarrayToSeries(
  array: NdArray,
  path: string,
  options: { allowNaN?: boolean; key?: string } = {},
): Series {
  const where = options.key === undefined ? {} : { key: options.key };
  const { shape } = array;
  if (shape.length !== 1 && shape.length !== 2) {
    throw new DataError(
      path,
      `expected a 1-D or 2-D array for a series, found shape ${formatShape(shape)}`,
      where,
    );
  }
  const length = shape[0]!;
  const channels = shape.length === 2 ? shape[1]! : 1;
  if (channels === 0) {
    throw new DataError(path, `array of shape ${formatShape(shape)} has no channels`, where);
  }
  const data = toFloat32Array(array);
  if (!(options.allowNaN ?? false)) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        const t = Math.floor(i / channels);
        const c = i % channels;
        const source = Number(array.data[i]);
        const what = Number.isFinite(source) ? `value ${source} overflows float32` : `is ${source}`;
        throw new DataError(
          path,
          `element [${t}, ${c}] ${what} (pass allowNaN: true to keep non-finite values)`,
          where,
        );
      }
    }
  }
  return createSeries({ data, channels, length });
}
