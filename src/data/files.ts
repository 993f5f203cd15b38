// Reading raw bytes with errors that name the file, and transparent gzip.
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError, describeError } from './errors.js';

/**
 * Reads a whole file ('-' reads standard input to its end); a missing file, a directory or
 * an unreadable file becomes a DataError.
 */
export function readFileBytes(path: string): Uint8Array {
  if (path === '-') {
    try {
      return readFileSync(0);
    } catch (err) {
      throw new DataError('stdin', `cannot read (${describeError(err)})`, { cause: err });
    }
  }
  checkFile(path);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DataError(path, `cannot read file (${describeError(err)})`, { cause: err });
  }
}

/** Refuses a missing path, a directory or an inaccessible one, naming it. */
export function checkFile(path: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(path, 'file not found', { cause: err });
    throw new DataError(path, `cannot access file (${describeError(err)})`, { cause: err });
  }
  if (stat.isDirectory()) throw new DataError(path, 'is a directory, expected a file');
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses gzip data, reporting a corrupt or truncated stream against the file. */
export function gunzipBytes(bytes: Uint8Array, path: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw corruptGzip(err, path);
  }
}

/** zlib's complaint about a gzip stream, naming the file. */
export function corruptGzip(err: unknown, path: string): DataError {
  return new DataError(path, `corrupt or truncated gzip data (${describeError(err)})`, {
    cause: err,
  });
}

/** The refusal of a `.gz` name on bytes that are not gzip. */
export function notGzip(path: string): DataError {
  return new DataError(path, 'named .gz but does not start with the gzip magic number');
}

/**
 * Reads a file and gunzips it when its content is gzip. The content decides (gzip data
 * without a `.gz` suffix still works), but a `.gz` name on non-gzip bytes is refused, since
 * that usually means a damaged download rather than a misnamed file.
 */
export function readMaybeGzip(path: string): Uint8Array {
  const bytes = readFileBytes(path);
  if (isGzip(bytes)) return gunzipBytes(bytes, path);
  if (path.toLowerCase().endsWith('.gz')) throw notGzip(path);
  return bytes;
}

/**
 * A fresh copy of `bytes[start, end)` in its own ArrayBuffer. (Buffer#slice returns a
 * view sharing memory, so typed views over `.buffer` of a "slice" would read the wrong bytes.)
 */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}
