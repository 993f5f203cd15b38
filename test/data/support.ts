// Shared helpers of the data tests: fixture paths, scratch directories, error checks.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DataError } from '../../src/data/index.js';
import { packageRoot } from '../../src/version.js';

/** A file under test/data/fixtures (small files written by NumPy, see make_fixtures.py). */
export function fixture(name: string): string {
  return join(packageRoot(), 'test', 'data', 'fixtures', name);
}

let scratch: string | undefined;
// Registered at import, so it runs once after all tests of the importing file.
after(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

/** Writes a file into a scratch directory removed after the test file; returns its path. */
export function scratchFile(name: string, content: string | Uint8Array): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'normalcy-data-'));
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

/**
 * Asserts that `fn` throws a DataError for `path` whose message contains every fragment
 * (and therefore names the file and the problem).
 */
export function throwsDataError(fn: () => unknown, path: string, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${String(err)}`);
    assert.equal(err.path, path);
    assert.ok(err.message.startsWith(path), `message does not start with the path: ${err.message}`);
    for (const fragment of fragments) {
      assert.ok(err.message.includes(fragment), `message lacks '${fragment}': ${err.message}`);
    }
    return true;
  });
}
