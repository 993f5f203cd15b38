import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import pg from 'pg';
import { parseCsv } from '../../../src/data/index.js';
import { readSource } from '../../../src/data/sources/read-source.js';
import { startPostgres, type TestServer } from '../../helpers/servers.js';
import { assertSameSeries, rejectsData, rowsCsv, rowsValues, tableRows } from './fixtures.js';

let server: TestServer;
const rows = tableRows();
const csv = parseCsv(rowsCsv(rows), 'rows.csv');

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

before(async () => {
  server = await startPostgres();
  await sql(`
    CREATE TABLE metrics (timestamp timestamp, a float8, b integer, c numeric(10, 3));
    INSERT INTO metrics VALUES ${rowsValues([...rows].reverse())};
    CREATE SCHEMA ops;
    CREATE TABLE ops.labelled (ts timestamptz, value real, host text);
    INSERT INTO ops.labelled VALUES ('2020-01-01 00:00:00+02', 1.5, 'x'), ('2020-01-01 00:01:00+02', NULL, 'y');
    CREATE TABLE long AS SELECT g AS step, (g % 97)::float8 AS v FROM generate_series(1, 25000) g;
  `);
});
after(async () => server?.stop());

test('a PostgreSQL table reads as the same Series as the CSV of its rows (in time order)', async () => {
  assertSameSeries(await readSource(server.url, { table: 'metrics' }), csv);
});

test('a query over several cursor batches keeps every row, in the query order', async () => {
  const s = await readSource(server.url, { query: 'SELECT v FROM long ORDER BY step' });
  assert.equal(s.length, 25000);
  assert.deepEqual(s.names, ['v']);
  for (const i of [0, 9999, 10000, 24999]) assert.equal(s.data[i], (i + 1) % 97);
});

test('schema-qualified tables, time zones and NULLs', async () => {
  const s = await readSource(server.url, {
    table: 'ops.labelled',
    columns: ['value'],
    allowNaN: true,
  });
  assert.equal(s.timestamps![0], Date.UTC(2019, 11, 31, 22, 0));
  assert.ok(Number.isNaN(s.data[1]));
  await rejectsData(
    readSource(server.url, { table: 'ops.labelled', columns: ['value'] }),
    "NULL in column 'value' at row 2",
  );
});

test('bad sources get errors naming the source and the problem', async () => {
  const shown = server.url.replace('postgres://', 'postgres://');
  await rejectsData(
    readSource(server.url, { table: 'nope' }),
    `${shown} table 'nope'`,
    'no such table',
    'metrics',
    'ops.labelled',
  );
  await rejectsData(
    readSource(server.url, { table: 'ops.labelled' }),
    "column 'host' is text, not numeric",
  );
  await rejectsData(
    readSource(server.url, { query: 'SELECT nope FROM metrics' }),
    'query',
    'column "nope" does not exist',
  );
  const dead = server.url.replace(/:(\d+)\//, ':1/');
  await rejectsData(
    readSource(dead, { table: 'metrics' }),
    'postgres://normalcy@127.0.0.1:1/normalcy',
    'cannot connect',
  );
  await rejectsData(
    readSource(
      server.url.replace('normalcy@', 'normalcy:secret@').replace(/\/normalcy$/, '/nodb'),
      { table: 't' },
    ),
    'cannot connect',
    '***',
  );
});

test('a connection lost mid-read is reported as lost, naming the source', async () => {
  const reading = readSource(server.url, {
    query: 'SELECT 1 + 0 * length(pg_sleep(3)::text) AS v',
  });
  const checked = rejectsData(reading, 'query', 'lost the connection');
  await new Promise((r) => setTimeout(r, 500));
  await sql(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()",
  );
  await checked;
});
