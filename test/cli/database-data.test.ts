// The CLI reading --data from DuckDB, Parquet and PostgreSQL and writing scores back:
// the same model and scores as from the CSV file of the same rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { packageRoot } from '../../src/version.js';
import { openDuckDb, closeDuckDb } from '../../src/data/sources/duckdb-source.js';
import { readSource } from '../../src/data/sources/read-source.js';
import { startPostgres, type TestServer } from '../helpers/servers.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
/** `score` with the model on the DuckDB table pump. */
const scorePump = (model: string) => [
  'score',
  '--model',
  model,
  '--data',
  `duckdb:${join(dir, 'plant.db')}`,
  '--table',
  'pump',
];

let dir: string;
let server: TestServer;
const N = 400;
const rows = Array.from({ length: N }, (_, i) => ({
  time: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  x: Math.sin(i / 7) + (i === 300 ? 4 : 0),
  y: Math.cos(i / 7),
}));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'normalcy-cli-db-'));
  server = await startPostgres();
  writeFileSync(
    join(dir, 'plant.csv'),
    ['timestamp,x,y', ...rows.map((r) => `${r.time},${r.x},${r.y}`)].join('\n') + '\n',
  );
  const values = rows.map((r) => `('${r.time}', ${r.x}, ${r.y})`).join(', ');
  const opened = await openDuckDb(join(dir, 'plant.db'), 'READ_WRITE');
  await opened.connection.run(
    `CREATE TABLE pump (timestamp TIMESTAMPTZ, x DOUBLE, y DOUBLE); INSERT INTO pump VALUES ${values}`,
  );
  await opened.connection.run(`COPY pump TO '${join(dir, 'plant.parquet')}' (FORMAT parquet)`);
  closeDuckDb(opened);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(
    `CREATE TABLE pump (timestamp timestamptz, x float8, y float8); INSERT INTO pump VALUES ${values}`,
  );
  await client.end();
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

test('train on a DuckDB table, score CSV, Parquet and PostgreSQL alike, write scores to tables', async () => {
  const model = join(dir, 'model');
  const trained = run(
    'train',
    '--detector',
    'pca',
    '--data',
    `duckdb:${join(dir, 'plant.db')}`,
    '--table',
    'pump',
    '--fpr',
    '0.05',
    '--out',
    model,
  );
  assert.equal(trained.status, 0, trained.stderr);
  const csvScores = join(dir, 'scores.csv');
  assert.equal(
    run('score', '--model', model, '--data', join(dir, 'plant.csv'), '--out', csvScores).status,
    0,
  );
  // scores.csv: step, timestamp, score, anomalous, contribution_*: the score column by name.
  const [head, ...body] = readFileSync(csvScores, 'utf8').trim().split('\n');
  const at = head!.split(',').indexOf('score');
  const expected = body.map((l) => Number(l.split(',')[at]));

  const parquetScores = join(dir, 'parquet-scores.csv');
  const p = run(
    'score',
    '--model',
    model,
    '--data',
    join(dir, 'plant.parquet'),
    '--out',
    parquetScores,
  );
  assert.equal(p.status, 0, p.stderr);
  assert.equal(readFileSync(parquetScores, 'utf8'), readFileSync(csvScores, 'utf8'));

  const toDuck = run(
    'score',
    '--model',
    model,
    '--data',
    server.url,
    '--query',
    'SELECT * FROM pump ORDER BY timestamp',
    '--series',
    'pump',
    '--out',
    `duckdb:${join(dir, 'results.db')}#scores`,
  );
  assert.equal(toDuck.status, 0, toDuck.stderr);
  const toPg = run(...scorePump(model), '--out', `${server.url}#scores`);
  assert.equal(toPg.status, 0, toPg.stderr);
  for (const base of [`duckdb:${join(dir, 'results.db')}`, server.url]) {
    const back = await readSource(base, {
      query: "SELECT time, score FROM scores WHERE series = 'pump' ORDER BY step",
    });
    assert.equal(back.length, N);
    assert.deepEqual(
      Array.from(back.data),
      expected.map((v) => Math.fround(v)),
    );
    assert.equal(back.timestamps![5], Date.parse(rows[5]!.time));
  }
});

test('misused --table/--query are usage errors; a missing table is a runtime error naming it', () => {
  const model = join(dir, 'model');
  const both = run(...scorePump(model), '--query', 'SELECT 1', '--out', join(dir, 'x.csv'));
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--table or --query, not both/);
  const onFile = run(
    'score',
    '--model',
    model,
    '--data',
    join(dir, 'plant.csv'),
    '--table',
    'pump',
    '--out',
    join(dir, 'x.csv'),
  );
  assert.equal(onFile.status, 2);
  assert.match(onFile.stderr, /--table applies to a database --data/);
  const neither = run('score', '--model', model, '--data', server.url, '--out', join(dir, 'x.csv'));
  assert.equal(neither.status, 2);
  const missing = run(
    'score',
    '--model',
    model,
    '--data',
    server.url,
    '--table',
    'pumpx',
    '--out',
    join(dir, 'x.csv'),
  );
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /table 'pumpx': no such table \(tables: pump/);
});
