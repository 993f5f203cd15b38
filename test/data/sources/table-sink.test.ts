import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSource } from '../../../src/data/sources/read-source.js';
import { writeTable, type SinkRows } from '../../../src/data/sources/table-sink.js';
import { scoreRows, SCORE_COLUMNS } from '../../../src/data/sources/score-table.js';
import { startPostgres, type TestServer } from '../../helpers/servers.js';
import { rejectsData } from './fixtures.js';

let dir: string;
let server: TestServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'normalcy-sink-'));
  server = await startPostgres();
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

const N = 60_000; // more than one insert batch
const scores = Float32Array.from(
  { length: N },
  (_, i) => Math.cos(i / 50) + (i % 1000 === 0 ? 5 : 0),
);
const flags = Uint8Array.from(scores, (s) => (s > 2 ? 1 : 0));
const timestamps = Float64Array.from({ length: N }, (_, i) => Date.UTC(2024, 0, 1) + i * 60_000);

/** A score table whose last row holds text in the score column: the second batch fails. */
function poisoned(series: string): SinkRows {
  const rows = scoreRows(series, scores, { timestamps, flags });
  const bad: (number | string)[] = Array.from(scores);
  bad[N - 1] = 'not a number';
  return {
    columns: rows.columns,
    values: rows.values.map((v, j) => (SCORE_COLUMNS[j]!.name === 'score' ? bad : v)),
  };
}

for (const kind of ['duckdb', 'postgres'] as const) {
  const base = () => (kind === 'duckdb' ? `duckdb:${join(dir, 'results.db')}` : server.url);

  test(`${kind}: scores are written to a new table and read back step for step`, async () => {
    await writeTable(`${base()}#scores`, scoreRows('machine-1', scores, { timestamps, flags }), {
      replace: { column: 'series', value: 'machine-1' },
    });
    const back = await readSource(base(), {
      query:
        "SELECT time, score, CAST(anomalous AS INTEGER) AS anomalous FROM scores WHERE series = 'machine-1' ORDER BY step",
    });
    assert.equal(back.length, N);
    assert.deepEqual(back.names, ['score', 'anomalous']);
    assert.deepEqual(Array.from(back.timestamps!), Array.from(timestamps));
    for (let i = 0; i < N; i += 997) {
      assert.equal(back.data[2 * i], scores[i]);
      assert.equal(back.data[2 * i + 1], flags[i]);
    }
  });

  test(`${kind}: writing a series again replaces its rows and keeps the others'`, async () => {
    const short = scores.subarray(0, 10);
    await writeTable(`${base()}#scores`, scoreRows('machine-2', short), {
      replace: { column: 'series', value: 'machine-2' },
    });
    await writeTable(`${base()}#scores`, scoreRows('machine-2', short), {
      replace: { column: 'series', value: 'machine-2' },
    });
    const counts = await readSource(base(), {
      query:
        "SELECT count(*) FILTER (WHERE series = 'machine-1') AS m1, count(*) FILTER (WHERE series = 'machine-2') AS m2, count(*) FILTER (WHERE series = 'machine-2' AND time IS NULL AND anomalous IS NULL) AS bare FROM scores",
    });
    assert.deepEqual(Array.from(counts.data), [N, 10, 10]);
  });

  test(`${kind}: a failed write leaves no half table and no half series`, async () => {
    await rejectsData(
      writeTable(`${base()}#fresh`, poisoned('m')),
      '#fresh',
      'write failed, nothing written',
    );
    await rejectsData(readSource(base(), { table: 'fresh' }), 'no such table');
    await rejectsData(
      writeTable(`${base()}#scores`, poisoned('machine-1'), {
        replace: { column: 'series', value: 'machine-1' },
      }),
      'nothing written',
    );
    const kept = await readSource(base(), {
      query: "SELECT count(*) AS n, sum(score) AS s FROM scores WHERE series = 'machine-1'",
    });
    assert.equal(kept.data[0], N);
    assert.ok(Math.abs(kept.data[1]! - scores.reduce((a, b) => a + b, 0)) < 1);
  });

  test(`${kind}: a table with other columns is refused by name`, async () => {
    await writeTable(`${base()}#other`, {
      columns: [{ name: 'x', type: 'double' }],
      values: [[1, 2]],
    });
    await rejectsData(
      writeTable(`${base()}#other`, scoreRows('m', scores.subarray(0, 3))),
      '#other',
      'exists with columns (x)',
    );
  });
}
