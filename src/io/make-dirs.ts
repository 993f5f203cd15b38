// Creating a directory and its missing parents, one level at a time. Node's recursive
// mkdir loops forever where the kernel answers ENOENT for an existing parent (under
// /proc, for instance); this walks up to the first existing ancestor, checks that it
// is a directory, and creates each level once, so a bad path fails at once, named.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeDirs(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT')
        throw new Error(`${path}: cannot create the directory (${at}: ${code})`);
      missing.push(at);
      const up = dirname(at);
      if (up === at) throw new Error(`${path}: cannot create the directory (no existing parent)`);
      at = up;
      continue;
    }
    if (!isDir)
      throw new Error(`${path}: cannot create the directory (${at} is a file, not a directory)`);
    break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw new Error(`${path}: cannot create the directory (${dir}: ${code ?? String(err)})`);
    }
  }
}
