// Series from DuckDB, embedded: a table or query of a database file, or a Parquet file
// (exposed to --query as the view `data`). Rows are streamed chunk by chunk into the
// float32 block; every column is cast to DOUBLE (times to epoch ms) inside DuckDB.
import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DataError } from '../errors.js';
import type { Series } from '../series.js';
import { planColumns, RowBlock, type ColumnPlan, type TableReadOptions } from './column-plan.js';
import { checkSelection, displayRef, displaySource, type TableSelection } from './source-ref.js';
import { quoteIdentifier, selectionSql } from './sql.js';

/** A DuckDB database file or a Parquet file read through DuckDB. */
export type DuckDbSource = { kind: 'duckdb'; file: string } | { kind: 'parquet'; file: string };

/** The view a Parquet file is known by in --query. */
export const PARQUET_VIEW = 'data';

function stringLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Opens a DuckDB connection on `file` (':memory:' for none) with times in UTC. */
export async function openDuckDb(
  file: string,
  access: 'READ_ONLY' | 'READ_WRITE',
): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(
    file,
    file === ':memory:' ? {} : { access_mode: access },
  );
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  return { instance, connection };
}

/** Closes what openDuckDb opened, releasing the file lock. */
export function closeDuckDb(opened: {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}): void {
  opened.connection.closeSync();
  opened.instance.closeSync();
}

/** Tables of the open database, as `name` (main schema) or `schema.name`. */
export async function duckDbTables(connection: DuckDBConnection): Promise<string[]> {
  const result = await connection.runAndReadAll(
    "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('information_schema', 'pg_catalog') ORDER BY 1, 2",
  );
  return result
    .getRows()
    .map(([schema, name]) =>
      schema === 'main' ? String(name) : `${String(schema)}.${String(name)}`,
    );
}

function projection(plan: ColumnPlan, columns: readonly string[]): string {
  const exprs = plan.values.map((i) => `CAST(${quoteIdentifier(columns[i]!)} AS DOUBLE)`);
  if (plan.time !== undefined) {
    const col = quoteIdentifier(columns[plan.time.index]!);
    exprs.push(
      plan.time.kind === 'time'
        ? `CAST(epoch_ms(CAST(${col} AS TIMESTAMPTZ)) AS DOUBLE)`
        : `CAST(${col} AS DOUBLE)`,
    );
  }
  return exprs.join(', ');
}

/** Reads a table or query of a DuckDB file, or a Parquet file, into a Series. */
export async function readDuckDb(
  database: DuckDbSource,
  selection: TableSelection,
  options: TableReadOptions = {},
): Promise<Series> {
  checkSelection(database, selection);
  const source = displaySource(database, selection);
  if (!existsSync(database.file)) throw new DataError(displayRef(database), 'file not found');
  let opened;
  try {
    opened = await openDuckDb(
      database.kind === 'parquet' ? ':memory:' : database.file,
      'READ_ONLY',
    );
  } catch (err) {
    throw new DataError(
      displayRef(database),
      `cannot open as a DuckDB database (${firstLine(err)})`,
      {
        cause: err,
      },
    );
  }
  try {
    const { connection } = opened;
    if (database.kind === 'parquet') {
      await run(source, () =>
        connection.run(
          `CREATE VIEW ${PARQUET_VIEW} AS SELECT * FROM read_parquet(${stringLiteral(database.file)})`,
        ),
      );
    }
    if (selection.table !== undefined) {
      const tables = await duckDbTables(connection);
      if (!tables.includes(selection.table)) {
        throw new DataError(
          source,
          `no such table (tables: ${tables.length > 0 ? tables.join(', ') : 'none'})`,
        );
      }
    }
    const sql =
      database.kind === 'parquet' && selection.query === undefined
        ? `SELECT * FROM ${PARQUET_VIEW}`
        : selectionSql(selection);
    const described = await run(source, () => connection.run(`SELECT * FROM (${sql}) LIMIT 0`));
    const columns = described.columnNames();
    const types = described.columnTypes().map(String);
    const plan = planColumns(
      source,
      columns.map((name, i) => ({ name, type: types[i]! })),
      options,
    );
    // A table's (or Parquet file's) row count is known cheaply: the block is allocated once.
    let capacity = 4096;
    if (selection.query === undefined) {
      const counted = await connection.runAndReadAll(`SELECT count(*) FROM (${sql})`);
      capacity = Number(counted.getRows()[0]![0]);
    }
    const block = new RowBlock(source, plan, options.allowNaN ?? false, capacity);
    const stream = await run(source, () =>
      connection.stream(`SELECT ${projection(plan, columns)} FROM (${sql})`),
    );
    const channels = plan.values.length;
    for (;;) {
      const chunk = await run(source, () => stream.fetchChunk());
      if (chunk === null || chunk.rowCount === 0) break;
      const rows = chunk.rowCount;
      block.reserve(rows);
      const first = block.length;
      for (let j = 0; j < channels; j++) {
        const vector = chunk.getColumnVector(j);
        for (let r = 0; r < rows; r++)
          block.setValue(first + r, j, vector.getItem(r) as number | null);
      }
      if (plan.time !== undefined) {
        const vector = chunk.getColumnVector(channels);
        for (let r = 0; r < rows; r++) block.setTime(first + r, vector.getItem(r) as number | null);
      }
      block.length += rows;
    }
    return block.finish();
  } finally {
    closeDuckDb(opened);
  }
}

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

/** Runs a DuckDB call, turning its errors into a DataError naming the source. */
async function run<T>(source: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(source, firstLine(err), { cause: err });
  }
}
