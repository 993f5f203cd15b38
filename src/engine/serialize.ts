// Named tensors in one file: "NRMLTNSR", a format version, a JSON header of
// names, dtypes, shapes and byte ranges, then the raw little-endian data,
// 8-byte aligned. Written atomically; read with checks that name the file and
// the tensor: every header field is validated before any allocation, so a
// corrupt or hostile file is refused instead of read out of bounds.
import { readFileSync, existsSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { Tensor, tensor } from './tensor.js';
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';

const MAGIC = 'NRMLTNSR';
const VERSION = 1;
const DTYPES: DType[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];
const PREFIX_BYTES = 16;

interface Entry {
  dtype: DType;
  shape: number[];
  offset: number;
  bytes: number;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** What is saved of a tensor; a Tensor is one, and so is plain host data. */
export interface TensorData {
  dtype: DType;
  shape: number[];
  data(): TypedArray;
}

/** The file's bytes as chunks (header, then each tensor's data padded to 8 bytes). */
export function encodeTensors(tensors: Record<string, TensorData>): Uint8Array[] {
  const header: Record<string, Entry> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const data = t.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: t.dtype, shape: t.shape, offset, bytes: bytes.byteLength };
    chunks.push(bytes);
    const padded = align8(bytes.byteLength);
    if (padded > bytes.byteLength) chunks.push(new Uint8Array(padded - bytes.byteLength));
    offset += padded;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerLen = align8(json.byteLength);
  const prefix = Buffer.alloc(PREFIX_BYTES + headerLen, 0x20);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(VERSION, 8);
  prefix.writeUInt32LE(headerLen, 12);
  json.copy(prefix, PREFIX_BYTES);
  return [prefix, ...chunks];
}

export function saveTensors(path: string, tensors: Record<string, TensorData>): void {
  writeFileAtomic(path, encodeTensors(tensors));
}

function fail(path: string, problem: string): never {
  throw new Error(`${path}: ${problem}`);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Checks one header entry against the file's data section; returns it typed. */
function checkEntry(path: string, name: string, e: unknown, dataBytes: number): Entry {
  const where = `tensor '${name}'`;
  if (typeof e !== 'object' || e === null || Array.isArray(e))
    fail(path, `${where}: header entry is not an object`);
  const { dtype, shape, offset, bytes } = e as Record<string, unknown>;
  if (!DTYPES.includes(dtype as DType))
    fail(path, `${where} has unknown dtype ${JSON.stringify(dtype) ?? '(none)'}`);
  if (!Array.isArray(shape) || shape.length > 16 || !shape.every(isCount))
    fail(path, `${where}: shape must be a list of at most 16 non-negative integers`);
  if (!isCount(offset) || offset % 8 !== 0)
    fail(
      path,
      `${where}: offset must be a non-negative multiple of 8 (found ${JSON.stringify(offset) ?? 'none'})`,
    );
  if (!isCount(bytes))
    fail(path, `${where}: byte size must be a count (found ${JSON.stringify(bytes) ?? 'none'})`);
  let count = 1;
  for (const d of shape as number[]) count *= d;
  if (!Number.isSafeInteger(count) || count * bytesPerElement(dtype as DType) !== bytes)
    fail(path, `${where} size does not match its shape`);
  if (offset + bytes > dataBytes)
    fail(
      path,
      `truncated data for tensor '${name}' (offset ${offset}, ${bytes} bytes run past the end of the file)`,
    );
  return { dtype: dtype as DType, shape: shape as number[], offset, bytes };
}

/** Parses a tensor file already in memory; `path` names it in errors. */
export function decodeTensors(buf: Uint8Array, path: string): Record<string, Tensor> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.byteLength < PREFIX_BYTES || b.toString('ascii', 0, 8) !== MAGIC) {
    fail(path, 'not a normalcy tensor file (bad magic bytes)');
  }
  const version = b.readUInt32LE(8);
  if (version !== VERSION)
    fail(path, `unsupported tensor file version ${version} (expected ${VERSION})`);
  const headerLen = b.readUInt32LE(12);
  if (PREFIX_BYTES + headerLen > b.byteLength) fail(path, 'truncated header');
  let header: unknown;
  try {
    header = JSON.parse(b.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerLen));
  } catch {
    fail(path, 'corrupt header (not JSON)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail(path, 'corrupt header (not a mapping of tensor names)');
  const base = PREFIX_BYTES + headerLen;
  const entries = Object.entries(header as Record<string, unknown>).map(
    ([name, e]) => [name, checkEntry(path, name, e, b.byteLength - base)] as const,
  );
  const out: Record<string, Tensor> = {};
  for (const [name, e] of entries) {
    // Copy into a fresh, aligned buffer before viewing it as typed elements.
    const raw = new Uint8Array(e.bytes);
    raw.set(b.subarray(base + e.offset, base + e.offset + e.bytes));
    out[name] = fromBytes(raw, e.dtype, e.shape);
  }
  return out;
}

export function loadTensors(path: string): Record<string, Tensor> {
  if (!existsSync(path)) fail(path, 'tensor file not found');
  return decodeTensors(readFileSync(path), path);
}

function fromBytes(raw: Uint8Array, dtype: DType, shape: number[]): Tensor {
  switch (dtype) {
    case 'float32':
      return tensor(new Float32Array(raw.buffer), shape);
    case 'float64':
      return tensor(new Float64Array(raw.buffer), shape);
    case 'int32':
      return tensor(new Int32Array(raw.buffer), shape);
    case 'int64':
      return tensor(new BigInt64Array(raw.buffer), shape);
    case 'uint8':
      return tensor(raw, shape);
    case 'bool':
      return tensor(raw, shape, 'bool');
  }
}
