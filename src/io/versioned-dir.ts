// A directory whose content is replaced atomically: each save writes a complete
// version into a new subdirectory `v-<time>-<pid>-<random>`, then renames a small
// pointer file (CURRENT, holding the version's name) over the old one. A reader
// resolves the pointer once and reads that version's files, so it sees the old
// content or the new one, never a mix, and there is no moment without either.
// Versions and temporary files left by killed saves (their process is gone) and
// superseded versions are removed by the next save; the version just replaced is
// kept until then, so a reader that resolved the pointer a moment ago can finish.
// A directory without CURRENT but with the legacy marker file at its top (an
// old-layout model) reads as that single version.
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeDirs } from './make-dirs.js';

export const POINTER_FILE = 'CURRENT';
const VERSION_NAME = /^v-[0-9a-z]+-(\d+)-[0-9a-f]+$/;
const POINTER_TMP = /^\.pointer-(\d+)-[0-9a-f]+$/;

/** Where a reader finds the current content: a version subdirectory, or the legacy top level. */
export interface ResolvedVersion {
  /** The directory holding the files. */
  path: string;
  /** The version's name, or '' for a legacy (unversioned) directory. */
  version: string;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Reads one regular file, refusing symbolic links (a model must hold its own
 * files) and directories with a message naming the path. At most `maxBytes`.
 */
export function readOwnFile(path: string, maxBytes = 2 ** 31 - 1): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new Error(
        `${path}: is a symbolic link; refused (a model directory must hold its own files)`,
      );
    if (code === 'ENOENT') {
      const e = new Error(`${path}: file is missing`) as NodeJS.ErrnoException;
      e.code = 'ENOENT';
      throw e;
    }
    throw new Error(`${path}: cannot be read (${code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new Error(`${path}: is a directory where a file is expected`);
    if (!st.isFile()) throw new Error(`${path}: is not a regular file`);
    if (st.size > maxBytes)
      throw new Error(`${path}: ${st.size} bytes, more than the ${maxBytes} allowed`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Finds the current version of `dir`; `legacyMarker` is the file an old-layout directory holds. */
export function resolveVersion(dir: string, legacyMarker: string): ResolvedVersion {
  const top = lstatOrUndefined(dir);
  if (!top) throw new Error(`${dir}: model directory not found`);
  // The directory itself may be a link the user made; what is inside may not.
  if (!top.isDirectory() && !(top.isSymbolicLink() && safeIsDir(dir)))
    throw new Error(`${dir}: is a file, not a model directory`);
  const pointerPath = join(dir, POINTER_FILE);
  const pointer = lstatOrUndefined(pointerPath);
  if (pointer) {
    const name = readOwnFile(pointerPath, 4096).toString('utf8').trim();
    if (!VERSION_NAME.test(name))
      throw new Error(
        `${pointerPath}: corrupt version pointer ${JSON.stringify(name.slice(0, 80))}`,
      );
    const path = join(dir, name);
    const st = lstatOrUndefined(path);
    if (!st) {
      const e = new Error(
        `${path}: the version ${POINTER_FILE} points to is missing`,
      ) as NodeJS.ErrnoException;
      e.code = 'ENOENT';
      throw e;
    }
    if (st.isSymbolicLink()) throw new Error(`${path}: is a symbolic link; refused`);
    if (!st.isDirectory()) throw new Error(`${path}: is not a directory`);
    return { path, version: name };
  }
  if (lstatOrUndefined(join(dir, legacyMarker))) return { path: dir, version: '' };
  throw new Error(
    `${dir}: not a normalcy model (neither ${POINTER_FILE} nor ${legacyMarker} is there)`,
  );
}

/** Whether a path (following a link) is a directory. */
function safeIsDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Runs `read` on the current version, again if the version vanished under it
 * (a concurrent save removed it), so a reader always gets one complete version.
 */
export function readCurrentVersion<T>(
  dir: string,
  legacyMarker: string,
  read: (v: ResolvedVersion) => T,
): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return read(resolveVersion(dir, legacyMarker));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 4) throw err;
    }
  }
}

function writeAll(path: string, data: Uint8Array | Uint8Array[] | string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    for (const chunk of Array.isArray(data) ? data : [data]) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let off = 0;
      while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    closeSync(fd);
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface VersionedWrite {
  /** Files of the version, in writing order (write the one readers check first last). */
  files: [name: string, data: Uint8Array | Uint8Array[] | string][];
  /** Top-level files of an old layout, removed once the new version is current. */
  legacyFiles?: string[];
  /** Refuses to write into an existing directory that does not hold this marker or CURRENT. */
  legacyMarker: string;
}

/** Writes a new version of `dir` and makes it current atomically; returns the version's name. */
export function writeVersion(dir: string, w: VersionedWrite): string {
  const target = resolve(dir);
  const st = lstatOrUndefined(target);
  if (st && !st.isDirectory() && !(st.isSymbolicLink() && safeIsDir(target)))
    throw new Error(`${dir}: exists and is not a directory`);
  if (st) {
    const entries = readdirSync(target);
    const ours = (n: string) =>
      n === POINTER_FILE || VERSION_NAME.test(n) || POINTER_TMP.test(n) || n === w.legacyMarker;
    if (entries.length > 0 && !entries.some(ours))
      throw new Error(
        `${dir}: exists and is not a normalcy model directory; choose a new or empty directory`,
      );
  } else {
    makeDirs(target);
  }
  const previous = lstatOrUndefined(join(target, POINTER_FILE))
    ? readOwnFile(join(target, POINTER_FILE), 4096).toString('utf8').trim()
    : undefined;
  const name = `v-${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const versionPath = join(target, name);
  mkdirSync(versionPath);
  try {
    for (const [file, data] of w.files) writeAll(join(versionPath, file), data);
    fsyncDir(versionPath);
    const pointerTmp = join(target, `.pointer-${process.pid}-${randomBytes(4).toString('hex')}`);
    writeAll(pointerTmp, name + '\n');
    renameSync(pointerTmp, join(target, POINTER_FILE));
    fsyncDir(target);
  } catch (err) {
    rmSync(versionPath, { recursive: true, force: true });
    throw err;
  }
  removeStale(target, name, previous, w.legacyFiles ?? []);
  return name;
}

/**
 * Removes what no reader can need any more: superseded versions other than the one
 * just replaced, versions and pointer files of saves whose process is gone (killed
 * mid-save) or that were made by this process, legacy top-level files, and the
 * temporary sibling directories older normalcy versions left beside the model.
 */
function removeStale(
  target: string,
  current: string,
  previous: string | undefined,
  legacy: string[],
): void {
  const remove = (p: string) => rmSync(p, { recursive: true, force: true });
  for (const entry of readdirSync(target)) {
    const version = VERSION_NAME.exec(entry);
    if (
      version &&
      entry !== current &&
      entry !== previous &&
      !processAliveOther(Number(version[1]))
    )
      remove(join(target, entry));
    const tmp = POINTER_TMP.exec(entry);
    if (tmp && !processAliveOther(Number(tmp[1]))) remove(join(target, entry));
  }
  for (const file of legacy) remove(join(target, file));
  const parent = dirname(target);
  const legacyTmp = `.normalcy-tmp-${basename(target)}-`;
  try {
    for (const entry of readdirSync(parent))
      if (entry.startsWith(legacyTmp)) remove(join(parent, entry));
  } catch {
    // The parent may not be listable; the model itself is saved.
  }
}

/** Another process that is still running (a concurrent save in progress); false for ourselves. */
function processAliveOther(pid: number): boolean {
  return pid !== process.pid && processAlive(pid);
}
