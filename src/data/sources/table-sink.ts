// Results written back to a database table (DuckDB file or PostgreSQL), created if
// missing, in one transaction: the rows of one series replace its earlier rows, and a
// failure anywhere leaves the table as it was. Rows go in as column arrays (unnest),
// a batch per statement, so writing 1M scores is a handful of round trips.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError } from '../errors.js';
import { displayRef, parseSinkRef, type SinkRef } from './source-ref.js';
import { quoteIdentifier } from './sql.js';

/** Column types a sink writes: times are given as epoch ms and stored as TIMESTAMPTZ. */
export type SinkType = 'text' | 'bigint' | 'double' | 'timestamptz' | 'boolean';

export interface SinkColumn {
  name: string;
  type: SinkType;
}

/** Rows as one array per column (all the same length); null is SQL NULL. */
export interface SinkRows {
  columns: readonly SinkColumn[];
  values: readonly ArrayLike<string | number | boolean | null>[];
}

export interface WriteTableOptions {
  /** Delete the rows whose `column` equals `value` before inserting (rewrites are idempotent). */
  replace?: { column: string; value: string };
}

const SQL_TYPE: Record<SinkType, string> = {
  text: 'TEXT',
  bigint: 'BIGINT',
  double: 'DOUBLE PRECISION',
  timestamptz: 'TIMESTAMPTZ',
  boolean: 'BOOLEAN',
};

const BATCH_ROWS = 50_000;

function rowCount(rows: SinkRows): number {
  const n = rows.values[0]?.length ?? 0;
  if (rows.values.length !== rows.columns.length || rows.values.some((v) => v.length !== n)) {
    throw new RangeError('sink rows need one array per column, all the same length');
  }
  return n;
}

function createSql(table: string, columns: readonly SinkColumn[]): string {
  const defs = columns.map((c) => `${quoteIdentifier(c.name)} ${SQL_TYPE[c.type]}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table, true)} (${defs})`;
}

/** The column expression that turns the bound array element `u` into the column's type. */
function convert(column: SinkColumn, u: string): string {
  if (column.type === 'timestamptz') return `to_timestamp(${u} / 1000.0)`;
  if (column.type === 'bigint') return `CAST(${u} AS BIGINT)`;
  return u;
}

function checkColumns(
  sink: string,
  existing: readonly string[],
  columns: readonly SinkColumn[],
): void {
  const missing = columns.filter((c) => !existing.includes(c.name));
  if (missing.length > 0) {
    throw new DataError(
      sink,
      `the table exists with columns (${existing.join(', ')}) but needs (${columns.map((c) => c.name).join(', ')}): choose another table name`,
    );
  }
}

function sinkName(sink: SinkRef): string {
  return `${displayRef(sink.database)}#${sink.table}`;
}

/** Writes `rows` into the table named by `ref` (`duckdb:FILE.db#table`, `postgres://...#table`). */
export async function writeTable(
  ref: string | SinkRef,
  rows: SinkRows,
  options: WriteTableOptions = {},
): Promise<void> {
  const sink = typeof ref === 'string' ? parseSinkRef(ref) : ref;
  if (sink === undefined) {
    throw new DataError(
      String(ref),
      'not a database table (expected duckdb:FILE.db#table or postgres://...#table)',
    );
  }
  const n = rowCount(rows);
  if (sink.database.kind === 'duckdb') await writeDuckDb(sink, rows, n, options);
  else await writePostgres(sink, rows, n, options);
}

async function writeDuckDb(
  sink: SinkRef,
  rows: SinkRows,
  n: number,
  options: WriteTableOptions,
): Promise<void> {
  // The database clients load on first use, so file-only users never load them.
  const { BOOLEAN, DOUBLE, LIST, VARCHAR, listValue } = await import('@duckdb/node-api');
  const { closeDuckDb, firstLine, openDuckDb } = await import('./duckdb-source.js');
  const name = sinkName(sink);
  const file = (sink.database as { file: string }).file;
  let opened;
  try {
    opened = await openDuckDb(file, 'READ_WRITE');
  } catch (err) {
    throw new DataError(name, `cannot open as a DuckDB database (${firstLine(err)})`, {
      cause: err,
    });
  }
  const c: DuckDBConnection = opened.connection;
  const table = quoteIdentifier(sink.table, true);
  const names = rows.columns.map((col) => quoteIdentifier(col.name)).join(', ');
  const unnests = rows.columns.map((_, j) => `unnest($${j + 1}) AS u${j}`).join(', ');
  const exprs = rows.columns.map((col, j) => convert(col, `u${j}`)).join(', ');
  const types = rows.columns.map((col) =>
    LIST(col.type === 'text' ? VARCHAR : col.type === 'boolean' ? BOOLEAN : DOUBLE),
  );
  try {
    await c.run('BEGIN TRANSACTION');
    try {
      await c.run(createSql(sink.table, rows.columns));
      const [schema, bare] = sink.table.includes('.')
        ? sink.table.split('.', 2)
        : ['main', sink.table];
      const existing = await c.runAndReadAll(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema!, bare!],
      );
      checkColumns(
        name,
        existing.getRows().map((r) => String(r[0])),
        rows.columns,
      );
      if (options.replace) {
        await c.run(`DELETE FROM ${table} WHERE ${quoteIdentifier(options.replace.column)} = $1`, [
          options.replace.value,
        ]);
      }
      for (let start = 0; start < n; start += BATCH_ROWS) {
        const end = Math.min(n, start + BATCH_ROWS);
        const lists = rows.values.map((values) =>
          listValue(Array.from({ length: end - start }, (_, i) => values[start + i] ?? null)),
        );
        await c.run(
          `INSERT INTO ${table} (${names}) SELECT ${exprs} FROM (SELECT ${unnests})`,
          lists,
          types,
        );
      }
      await c.run('COMMIT');
    } catch (err) {
      await c.run('ROLLBACK').catch(() => {});
      throw err;
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(name, `write failed, nothing written (${firstLine(err)})`, { cause: err });
  } finally {
    closeDuckDb(opened);
  }
}

const PG_ARRAY: Record<SinkType, string> = {
  text: 'text[]',
  bigint: 'float8[]',
  double: 'float8[]',
  timestamptz: 'float8[]',
  boolean: 'boolean[]',
};

async function writePostgres(
  sink: SinkRef,
  rows: SinkRows,
  n: number,
  options: WriteTableOptions,
): Promise<void> {
  const { connectPostgres, describeError } = await import('./postgres-source.js');
  const name = sinkName(sink);
  const client = await connectPostgres((sink.database as { url: string }).url);
  const table = quoteIdentifier(sink.table, true);
  const names = rows.columns.map((col) => quoteIdentifier(col.name)).join(', ');
  const params = rows.columns.map((col, j) => `$${j + 1}::${PG_ARRAY[col.type]}`).join(', ');
  const aliases = rows.columns.map((_, j) => `u${j}`).join(', ');
  const exprs = rows.columns.map((col, j) => convert(col, `u${j}`)).join(', ');
  try {
    await client.query('BEGIN');
    try {
      await client.query(createSql(sink.table, rows.columns));
      const [schema, bare] = sink.table.includes('.')
        ? sink.table.split('.', 2)
        : ['public', sink.table];
      const existing = await client.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, bare],
      );
      checkColumns(
        name,
        existing.rows.map((r) => r.column_name),
        rows.columns,
      );
      if (options.replace) {
        await client.query(
          `DELETE FROM ${table} WHERE ${quoteIdentifier(options.replace.column)} = $1`,
          [options.replace.value],
        );
      }
      for (let start = 0; start < n; start += BATCH_ROWS) {
        const end = Math.min(n, start + BATCH_ROWS);
        const arrays = rows.values.map((values) =>
          Array.from({ length: end - start }, (_, i) => {
            const v = values[start + i] ?? null;
            return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
          }),
        );
        await client.query(
          `INSERT INTO ${table} (${names}) SELECT ${exprs} FROM unnest(${params}) AS u(${aliases})`,
          arrays,
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(name, `write failed, nothing written (${describeError(err)})`, {
      cause: err,
    });
  } finally {
    await client.end().catch(() => {});
  }
}
