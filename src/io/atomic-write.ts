// Atomic file writes: data goes to a temporary file in the same directory, is
// flushed, then renamed over the target, so a crash never leaves half a file.
// `openAtomic` does the same for output written piece by piece (a scores CSV of
// millions of rows), so it never has to be held whole in memory.
import { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync } from 'node:fs';
import { makeDirs } from './make-dirs.js';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A file being written; it appears at its path, whole, only on commit(). */
export interface AtomicFile {
  write(chunk: string | Uint8Array): void;
  /** Flushes and renames the file into place. */
  commit(): void;
  /** Removes the temporary file (after a failure). */
  abort(): void;
}

export function openAtomic(path: string): AtomicFile {
  const dir = dirname(path);
  makeDirs(dir);
  const tmp = join(dir, `.normalcy-tmp-${basename(path)}-${randomBytes(6).toString('hex')}`);
  const fd = openSync(tmp, 'w');
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    write(chunk) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let off = 0;
      while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    },
    commit() {
      fsyncSync(fd);
      close();
      renameSync(tmp, path);
    },
    abort() {
      try {
        close();
      } catch {
        // already closed
      }
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to clean
      }
    },
  };
}

/** Writes `write`'s output to `path` atomically, piece by piece. */
export function writeAtomicBy(path: string, write: (out: AtomicFile) => void): void {
  const file = openAtomic(path);
  try {
    write(file);
    file.commit();
  } catch (err) {
    file.abort();
    throw err;
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array | Uint8Array[]): void {
  writeAtomicBy(path, (out) => {
    for (const chunk of Array.isArray(data) ? data : [data]) out.write(chunk);
  });
}
