// A small table shared by the source tests: a time column and three value columns of
// different SQL types, the same rows as a CSV file, so every source can be checked
// against the CSV reader.
import assert from 'node:assert/strict';
import { DataError, type Series } from '../../../src/data/index.js';

export const ROWS = 50;

export interface Row {
  time: string;
  a: number;
  b: number;
  c: number;
}

/** Deterministic rows: five-minute steps, a float, an integer and a decimal column. */
export function tableRows(n = ROWS): Row[] {
  const start = Date.UTC(2014, 3, 10, 7, 15);
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(start + i * 300_000).toISOString().replace('T', ' ').slice(0, 19),
    a: Math.sin(i / 3) * 10,
    b: i * 7 - 20,
    c: Math.round(i * 12.5) / 100,
  }));
}

export function rowsCsv(rows: readonly Row[]): string {
  return (
    ['timestamp,a,b,c', ...rows.map((r) => `${r.time},${r.a},${r.b},${r.c}`)].join('\n') + '\n'
  );
}

/** The rows as one SQL VALUES list. */
export function rowsValues(rows: readonly Row[]): string {
  return rows.map((r) => `('${r.time}', ${r.a}, ${r.b}, ${r.c})`).join(', ');
}

export function assertSameSeries(actual: Series, expected: Series): void {
  assert.equal(actual.length, expected.length);
  assert.equal(actual.channels, expected.channels);
  assert.deepEqual(actual.names, expected.names);
  assert.deepEqual(Array.from(actual.data), Array.from(expected.data));
  assert.deepEqual(
    actual.timestamps && Array.from(actual.timestamps),
    expected.timestamps && Array.from(expected.timestamps),
  );
}

/** Asserts that `promise` rejects with a DataError whose message holds every fragment. */
export async function rejectsData(
  promise: Promise<unknown>,
  ...fragments: string[]
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${String(err)}`);
    for (const f of fragments)
      assert.ok(err.message.includes(f), `message lacks '${f}': ${err.message}`);
    return true;
  });
}
