// Named tensors in one file: "NRMLTNSR", a format version, a JSON header of
// names, dtypes, shapes and byte ranges, then the raw little-endian data,
// 8-byte aligned. Written atomically; read with checks that name the file.
import { readFileSync, existsSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { Tensor, tensor } from './tensor.js';
import { bytesPerElement, type DType } from './dtype.js';

const MAGIC = 'NRMLTNSR';
const VERSION = 1;
const DTYPES: DType[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];

interface Entry {
  dtype: DType;
  shape: number[];
  offset: number;
  bytes: number;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export function saveTensors(path: string, tensors: Record<string, Tensor>): void {
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
  const prefix = Buffer.alloc(16 + headerLen, 0x20);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(VERSION, 8);
  prefix.writeUInt32LE(headerLen, 12);
  json.copy(prefix, 16);
  writeFileAtomic(path, [prefix, ...chunks]);
}

function fail(path: string, problem: string): never {
  throw new Error(`${path}: ${problem}`);
}

export function loadTensors(path: string): Record<string, Tensor> {
  if (!existsSync(path)) fail(path, 'tensor file not found');
  const buf = readFileSync(path);
  if (buf.byteLength < 16 || buf.toString('ascii', 0, 8) !== MAGIC) {
    fail(path, 'not a normalcy tensor file (bad magic bytes)');
  }
  const version = buf.readUInt32LE(8);
  if (version !== VERSION)
    fail(path, `unsupported tensor file version ${version} (expected ${VERSION})`);
  const headerLen = buf.readUInt32LE(12);
  if (16 + headerLen > buf.byteLength) fail(path, 'truncated header');
  let header: Record<string, Entry>;
  try {
    header = JSON.parse(buf.toString('utf8', 16, 16 + headerLen)) as Record<string, Entry>;
  } catch {
    fail(path, 'corrupt header (not JSON)');
  }
  const base = 16 + headerLen;
  const out: Record<string, Tensor> = {};
  for (const [name, e] of Object.entries(header)) {
    if (!DTYPES.includes(e.dtype))
      fail(path, `tensor '${name}' has unknown dtype '${String(e.dtype)}'`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (count * bytesPerElement(e.dtype) !== e.bytes)
      fail(path, `tensor '${name}' size does not match its shape`);
    if (base + e.offset + e.bytes > buf.byteLength)
      fail(path, `truncated data for tensor '${name}'`);
    // Copy into a fresh, aligned buffer before viewing it as typed elements.
    const raw = new Uint8Array(e.bytes);
    raw.set(buf.subarray(base + e.offset, base + e.offset + e.bytes));
    out[name] = fromBytes(raw, e.dtype, e.shape);
  }
  return out;
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
