// Where a series comes from or where results go, parsed from the one string a user
// types after --data or --out: a file path, `duckdb:FILE.db`, a `.parquet` file (read
// through DuckDB) or a `postgres://` URL; sinks add `#table`.
import { DataError } from '../errors.js';

/** A database to read from or write to. */
export type DatabaseRef =
  | { kind: 'duckdb'; file: string }
  | { kind: 'parquet'; file: string }
  | { kind: 'postgres'; url: string };

/** What to read from a database: a whole table or the rows of a query. */
export interface TableSelection {
  table?: string;
  query?: string;
}

/** Whether `ref` names a database (or Parquet) source rather than a plain file. */
export function isDatabaseRef(ref: string): boolean {
  return parseDatabaseRef(ref) !== undefined;
}

/** The database named by `ref`, or undefined for a plain file path. */
export function parseDatabaseRef(ref: string): DatabaseRef | undefined {
  if (ref.startsWith('duckdb:')) {
    const file = ref.slice('duckdb:'.length);
    if (file === '') throw new DataError(ref, 'duckdb: needs a database file, e.g. duckdb:data.db');
    return { kind: 'duckdb', file };
  }
  if (/^postgres(ql)?:\/\//i.test(ref)) return { kind: 'postgres', url: ref };
  if (ref.toLowerCase().endsWith('.parquet')) return { kind: 'parquet', file: ref };
  return undefined;
}

/** A database table to write results into: `duckdb:FILE.db#table` or `postgres://...#table`. */
export interface SinkRef {
  database: Exclude<DatabaseRef, { kind: 'parquet' }>;
  table: string;
}

/** The sink named by `ref`, or undefined when `ref` is a plain file path. */
export function parseSinkRef(ref: string): SinkRef | undefined {
  const hash = ref.lastIndexOf('#');
  const base = hash < 0 ? ref : ref.slice(0, hash);
  const database = parseDatabaseRef(base);
  if (database === undefined) return undefined;
  if (database.kind === 'parquet') {
    throw new DataError(ref, 'Parquet files are read-only here: write to duckdb:FILE.db#table');
  }
  const table = hash < 0 ? '' : ref.slice(hash + 1);
  if (table === '') {
    throw new DataError(
      displayRef(database),
      `name the table to write after '#', e.g. ${base}#scores`,
    );
  }
  return { database, table };
}

/** How a database is named in messages: a Postgres URL without its password. */
export function displayRef(database: DatabaseRef): string {
  if (database.kind === 'duckdb') return `duckdb:${database.file}`;
  if (database.kind === 'parquet') return database.file;
  try {
    const url = new URL(database.url);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres URL (unparseable)';
  }
}

/** The source named in messages: the database plus the table or "query". */
export function displaySource(database: DatabaseRef, selection: TableSelection): string {
  const base = displayRef(database);
  if (selection.table !== undefined) return `${base} table '${selection.table}'`;
  if (selection.query !== undefined) return `${base} query`;
  return base;
}

/** Checks that exactly one of table and query is given (Parquet needs neither). */
export function checkSelection(database: DatabaseRef, selection: TableSelection): void {
  const name = displayRef(database);
  if (selection.table !== undefined && selection.query !== undefined) {
    throw new DataError(name, 'give --table or --query, not both');
  }
  if (database.kind === 'parquet') {
    if (selection.table !== undefined) {
      throw new DataError(name, '--table does not apply to a Parquet file (use --query to filter)');
    }
    return;
  }
  if (selection.table === undefined && selection.query === undefined) {
    throw new DataError(name, 'say what to read: --table NAME or --query "SELECT ..."');
  }
}
