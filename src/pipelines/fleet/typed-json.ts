// Job data and results travel through Redis as JSON; typed arrays (scores, flags,
// timestamps) are carried as base64 of their bytes, so they come back bit for bit.

const TYPES = { Float32Array, Float64Array, Uint8Array } as const;
type TypeName = keyof typeof TYPES;

interface Encoded {
  $typed: TypeName;
  base64: string;
}

function isEncoded(value: unknown): value is Encoded {
  return typeof value === 'object' && value !== null && '$typed' in value && 'base64' in value;
}

/** A JSON-safe copy of `value` with typed arrays encoded. */
export function encodeTyped(value: unknown): unknown {
  for (const name of Object.keys(TYPES) as TypeName[]) {
    if (value instanceof TYPES[name]) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      return { $typed: name, base64: bytes.toString('base64') };
    }
  }
  if (Array.isArray(value)) return value.map(encodeTyped);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeTyped(v)]));
  }
  return value;
}

/** The inverse of encodeTyped. */
export function decodeTyped<T>(value: unknown): T {
  if (isEncoded(value)) {
    const bytes = Buffer.from(value.base64, 'base64');
    const Type = TYPES[value.$typed];
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Type(copy.buffer, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT) as T;
  }
  if (Array.isArray(value)) return value.map((v) => decodeTyped(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeTyped(v)])) as T;
  }
  return value as T;
}
