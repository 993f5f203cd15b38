// NumPy .npy files (format versions 1.0, 2.0, 3.0), plain or gzipped: a magic string,
// a Python-literal header dict (descr, fortran_order, shape), then the raw elements.
// Only what can be read without Python is accepted: little-endian numeric and bool
// dtypes in C order. Everything else is refused with the reason, naming the file.
import { endianness } from 'node:os';
import { writeFileAtomic } from '../io/atomic-write.js';
import { DataError } from './errors.js';
import { copyBytes, readMaybeGzip } from './files.js';
import {
  DTYPE_SIZE,
  formatShape,
  shapeSize,
  type DType,
  type DTypeArrays,
  type NdArray,
} from './ndarray.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** NumPy type codes (kind + item size) of the supported dtypes. */
const CODES: Readonly<Record<string, DType>> = {
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'bool',
};

const DESCR: Readonly<Record<DType, string>> = {
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
  uint16: '<u2',
  uint32: '<u4',
  uint64: '<u8',
  bool: '|b1',
};

/** Reads a `.npy` or `.npy.gz` file. */
export function readNpy(path: string): NdArray {
  return parseNpy(readMaybeGzip(path), path);
}

/**
 * Decodes the bytes of a `.npy` file; `path` (and `key`, for an `.npz` entry) name the
 * source in error messages. The data is copied, so the result owns aligned memory.
 */
export function parseNpy(bytes: Uint8Array, path: string, key?: string): NdArray {
  const fail = (problem: string): DataError =>
    new DataError(path, problem, key === undefined ? {} : { key });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw fail('not a NumPy .npy file (missing the \\x93NUMPY magic string)');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw fail('truncated .npy header');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw fail(`truncated .npy header: needs ${dataStart} bytes, file has ${bytes.length}`);
  }
  const encoding = major === 3 ? 'utf-8' : 'latin1';
  const headerText = new TextDecoder(encoding).decode(bytes.subarray(headerStart, dataStart));
  const header = parseHeader(headerText, fail);

  const dtype = parseDescr(header.descr, fail);
  const shape = header.shape;
  if (header.fortranOrder && shape.length > 1) {
    throw fail(
      `Fortran-order (column-major) arrays are not supported; save it in C order, e.g. np.save(path, np.ascontiguousarray(a))`,
    );
  }
  const count = shapeSize(shape);
  const need = count * DTYPE_SIZE[dtype];
  const have = bytes.length - dataStart;
  if (have < need) {
    throw fail(
      `truncated: shape ${formatShape(shape)} of ${dtype} needs ${need} bytes of data, found ${have}`,
    );
  }
  if (have > need) {
    throw fail(
      `${have - need} unexpected bytes after the data of shape ${formatShape(shape)} ${dtype}`,
    );
  }
  if (endianness() !== 'LE') throw fail('reading .npy needs a little-endian machine');
  const copy = copyBytes(bytes, dataStart, dataStart + need);
  return { dtype, shape, data: typedView(dtype, copy.buffer, count) } as NdArray;
}

function typedView(dtype: DType, buffer: ArrayBuffer, count: number): DTypeArrays[DType] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, 0, count);
    case 'float64':
      return new Float64Array(buffer, 0, count);
    case 'int8':
      return new Int8Array(buffer, 0, count);
    case 'int16':
      return new Int16Array(buffer, 0, count);
    case 'int32':
      return new Int32Array(buffer, 0, count);
    case 'int64':
      return new BigInt64Array(buffer, 0, count);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, 0, count);
    case 'uint16':
      return new Uint16Array(buffer, 0, count);
    case 'uint32':
      return new Uint32Array(buffer, 0, count);
    case 'uint64':
      return new BigUint64Array(buffer, 0, count);
  }
}

function parseDescr(descr: unknown, fail: (problem: string) => DataError): DType {
  if (Array.isArray(descr)) {
    throw fail('structured (record) dtypes are not supported; save plain numeric arrays');
  }
  if (typeof descr !== 'string') throw fail(`header 'descr' is not a dtype string`);
  const order = /^[<>|=]/.test(descr) ? descr[0]! : '';
  const code = descr.slice(order.length);
  if (code === 'O' || code.startsWith('O')) {
    throw fail(
      `object arrays (dtype '${descr}') hold pickled Python objects and are not supported`,
    );
  }
  const dtype = CODES[code];
  if (dtype === undefined) {
    throw fail(
      `unsupported dtype '${descr}' (supported: float32, float64, int8..int64, uint8..uint64, bool)`,
    );
  }
  if (order === '>' && DTYPE_SIZE[dtype] > 1) {
    throw fail(
      `big-endian data (dtype '${descr}') is not supported; convert with a.astype('<${code}')`,
    );
  }
  return dtype;
}

interface NpyHeader {
  descr: unknown;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string, fail: (problem: string) => DataError): NpyHeader {
  let dict: unknown;
  try {
    dict = new PythonLiteral(text).parseAll();
  } catch (err) {
    throw fail(`unreadable .npy header ${JSON.stringify(text.trim())}: ${(err as Error).message}`);
  }
  if (!(dict instanceof Map)) throw fail('.npy header is not a dict');
  for (const k of ['descr', 'fortran_order', 'shape']) {
    if (!dict.has(k)) throw fail(`.npy header lacks '${k}'`);
  }
  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean') throw fail(`.npy header 'fortran_order' is not True/False`);
  const shape = dict.get('shape');
  if (
    !Array.isArray(shape) ||
    !shape.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
  ) {
    throw fail(`.npy header 'shape' is not a tuple of non-negative integers`);
  }
  return { descr: dict.get('descr'), fortranOrder: fortran, shape };
}

/**
 * Parser for the Python literals NumPy writes in headers: dicts, tuples, lists,
 * quoted strings, integers, True/False/None. Dicts become Maps, tuples and lists arrays.
 */
class PythonLiteral {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseAll(): unknown {
    const value = this.value();
    this.skipSpace();
    if (this.pos !== this.text.length) throw new Error(`unexpected text at offset ${this.pos}`);
    return value;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.dict();
    if (c === '(') return this.sequence(')');
    if (c === '[') return this.sequence(']');
    if (c === "'" || c === '"') return this.string();
    const m = /^(?:-?\d+L?|True|False|None)/.exec(this.text.slice(this.pos));
    if (m === null) throw new Error(`unexpected '${c ?? 'end of header'}' at offset ${this.pos}`);
    this.pos += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace('L', ''));
  }

  private string(): string {
    const quote = this.text[this.pos++]!;
    const end = this.text.indexOf(quote, this.pos);
    if (end < 0) throw new Error('unterminated string');
    const s = this.text.slice(this.pos, end);
    this.pos = end + 1;
    return s;
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) throw new Error(`expected '${c}' at offset ${this.pos}`);
    this.pos++;
  }

  /** True (and consumes it) when the next non-space character is `c`. */
  private accept(c: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private sequence(close: string): unknown[] {
    this.pos++;
    const items: unknown[] = [];
    while (!this.accept(close)) {
      items.push(this.value());
      if (!this.accept(',')) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  private dict(): Map<string, unknown> {
    this.pos++;
    const map = new Map<string, unknown>();
    while (!this.accept('}')) {
      const key = this.value();
      if (typeof key !== 'string') throw new Error('dict key is not a string');
      this.expect(':');
      map.set(key, this.value());
      if (!this.accept(',')) {
        this.expect('}');
        break;
      }
    }
    return map;
  }
}

/**
 * Encodes an array as `.npy` bytes (format 1.0, or 2.0 for huge headers), readable by
 * `numpy.load`. The header is padded so the data starts on a 64-byte boundary.
 */
export function encodeNpy(array: NdArray): Uint8Array {
  const count = shapeSize(array.shape);
  if (array.data.length !== count) {
    throw new RangeError(
      `array data has ${array.data.length} elements, shape ${formatShape(array.shape)} needs ${count}`,
    );
  }
  const dict = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${formatShape(array.shape)}, }`;
  let prefix = 10;
  if (dict.length + 1 + prefix > 0xffff) prefix = 12;
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const headerLength = padded - prefix;
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  const out = new Uint8Array(padded + count * DTYPE_SIZE[array.dtype]);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  out.set(Buffer.from(header, 'latin1'), prefix);
  const data = array.data;
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), padded);
  return out;
}

/** Writes an array as a `.npy` file (atomically: a crash never leaves half a file). */
export function writeNpy(path: string, array: NdArray): void {
  writeFileAtomic(path, encodeNpy(array));
}
