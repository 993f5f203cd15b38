import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../../../src/data/index.js';
import { readSource } from '../../../src/data/sources/read-source.js';
import { openDuckDb, closeDuckDb } from '../../../src/data/sources/duckdb-source.js';
import { assertSameSeries, rejectsData, rowsCsv, rowsValues, tableRows } from './fixtures.js';

let dir: string;
let db: string;
const rows = tableRows();
const csv = parseCsv(rowsCsv(rows), 'rows.csv');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'normalcy-duckdb-'));
  db = join(dir, 'telemetry.db');
  const opened = await openDuckDb(db, 'READ_WRITE');
  const c = opened.connection;
  await c.run('CREATE TABLE metrics (timestamp TIMESTAMP, a DOUBLE, b INTEGER, c DECIMAL(10, 3))');
  await c.run(`INSERT INTO metrics VALUES ${rowsValues(rows)}`);
  await c.run('CREATE TABLE labelled (ts TIMESTAMPTZ, value REAL, host VARCHAR)');
  await c.run(
    "INSERT INTO labelled VALUES ('2020-01-01 00:00:00+00', 1.5, 'x'), ('2020-01-01 00:01:00+00', NULL, 'y')",
  );
  await c.run(`COPY metrics TO '${join(dir, 'metrics.parquet')}' (FORMAT parquet)`);
  await c.run('CREATE TABLE empty (v DOUBLE)');
  closeDuckDb(opened);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a DuckDB table reads as the same Series as the CSV of its rows', async () => {
  assertSameSeries(await readSource(`duckdb:${db}`, { table: 'metrics' }), csv);
});

test('a query selects rows and columns; the time column is found by its type', async () => {
  const s = await readSource(`duckdb:${db}`, {
    query: 'SELECT timestamp AS t, b FROM metrics WHERE b >= 0 ORDER BY t DESC',
  });
  const kept = rows.filter((r) => r.b >= 0).reverse();
  assert.deepEqual(s.names, ['b']);
  assert.deepEqual(
    Array.from(s.data),
    kept.map((r) => r.b),
  );
  assert.equal(s.timestamps![0], Date.parse(kept[0]!.time.replace(' ', 'T') + 'Z'));
});

test('a Parquet file reads through DuckDB, whole or filtered through the view data', async () => {
  const parquet = join(dir, 'metrics.parquet');
  assertSameSeries(await readSource(parquet), csv);
  const few = await readSource(parquet, { query: 'SELECT a FROM data LIMIT 5' });
  assert.equal(few.length, 5);
  assert.equal(few.timestamps, undefined);
});

test('columns and timestamp options pick columns as for a CSV file', async () => {
  const s = await readSource(`duckdb:${db}`, {
    table: 'metrics',
    columns: ['c', 'a'],
    timestamp: false,
  });
  assert.deepEqual(s.names, ['c', 'a']);
  assert.equal(s.timestamps, undefined);
  assert.equal(s.data[1], Math.fround(rows[0]!.a));
});

test('bad sources get errors naming the source and the problem', async () => {
  await rejectsData(
    readSource(`duckdb:${db}`, { table: 'nope' }),
    `duckdb:${db} table 'nope'`,
    'no such table',
    'metrics',
  );
  await rejectsData(
    readSource(`duckdb:${db}`, { table: 'labelled' }),
    "column 'host' is VARCHAR, not numeric",
  );
  await rejectsData(
    readSource(`duckdb:${db}`, { table: 'labelled', columns: ['value'] }),
    "NULL in column 'value' at row 2",
  );
  const kept = await readSource(`duckdb:${db}`, {
    table: 'labelled',
    columns: ['value'],
    allowNaN: true,
  });
  assert.ok(Number.isNaN(kept.data[1]));
  await rejectsData(readSource(`duckdb:${db}`, { table: 'empty' }), 'no rows');
  await rejectsData(
    readSource(`duckdb:${db}`, { query: 'SELEKT 1' }),
    `duckdb:${db} query`,
    'syntax error',
  );
  await rejectsData(readSource(`duckdb:${db}`, {}), '--table NAME or --query');
  await rejectsData(
    readSource(`duckdb:${join(dir, 'missing.db')}`, { table: 't' }),
    'missing.db: file not found',
  );
  const notDb = join(dir, 'not.db');
  writeFileSync(notDb, 'hello, not a database\n'.repeat(200));
  await rejectsData(
    readSource(`duckdb:${notDb}`, { table: 't' }),
    'cannot open as a DuckDB database',
  );
  await rejectsData(readSource(join(dir, 'x.csv'), { table: 't' }), 'apply to databases only');
});
