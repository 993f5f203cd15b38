// The element types normalcy's tensors use, and the typed arrays they map to.
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export function dtypeOfArray(data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  throw new TypeError(
    `unsupported typed array ${data.constructor.name} (use Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array)`,
  );
}

export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'uint8':
    case 'bool':
      return 1;
  }
}
