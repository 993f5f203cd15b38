// The one entry point commands read data through: a file (by its extension), a DuckDB
// table or query, a Parquet file, or a PostgreSQL table or query.
import { DataError } from '../errors.js';
import { readSeries, readSeriesChunks, type ReadSeriesOptions } from '../read-series.js';
import type { Series } from '../series.js';
import type { TableReadOptions } from './column-plan.js';
import { parseDatabaseRef, type TableSelection } from './source-ref.js';

/** Options for any source: the selection for databases, the reader options for files. */
export interface ReadSourceOptions extends TableSelection {
  /** Value columns (names or indices), for files and databases alike. */
  columns?: readonly (string | number)[];
  /** Time column (name or index) or false, for files and databases alike. */
  timestamp?: string | number | false;
  allowNaN?: boolean;
  /** Options only a file reader understands (header, delimiter, layout, npz key). */
  file?: Omit<ReadSeriesOptions, 'columns' | 'timestamp' | 'allowNaN'>;
}

/**
 * Reads a series from `ref`: `duckdb:FILE.db` with `table` or `query`, a `.parquet`
 * file (optionally filtered by a `query` over the view `data`), a `postgres://` URL
 * with `table` or `query`, or any file `readSeries` reads.
 */
export async function readSource(ref: string, options: ReadSourceOptions = {}): Promise<Series> {
  const database = parseDatabaseRef(ref);
  const table = tableOptions(options);
  const selection: TableSelection = {};
  if (options.table !== undefined) selection.table = options.table;
  if (options.query !== undefined) selection.query = options.query;
  if (database === undefined) {
    if (options.table !== undefined || options.query !== undefined) {
      throw new DataError(
        ref,
        '--table and --query apply to databases only (duckdb:FILE.db, postgres://..., FILE.parquet)',
      );
    }
    return readSeries(ref, { ...options.file, ...table });
  }
  // The database clients load on first use, so file-only users never load them.
  if (database.kind === 'postgres') {
    const { readPostgres } = await import('./postgres-source.js');
    return readPostgres(database.url, selection, table);
  }
  const { readDuckDb } = await import('./duckdb-source.js');
  return readDuckDb(database, selection, table);
}

/**
 * Reads `ref` as consecutive chunks of at most `rows` steps: text files stream with
 * bounded memory (read-series.ts); databases and other formats come whole, as one chunk.
 */
export async function* readSourceChunks(
  ref: string,
  options: ReadSourceOptions = {},
  rows?: number,
): AsyncGenerator<Series> {
  const database = parseDatabaseRef(ref);
  if (database !== undefined || options.table !== undefined || options.query !== undefined) {
    yield await readSource(ref, options);
    return;
  }
  yield* readSeriesChunks(ref, { ...options.file, ...tableOptions(options) }, rows);
}

/** The column selection and NaN policy, for files and databases alike. */
function tableOptions(options: ReadSourceOptions): TableReadOptions {
  const table: TableReadOptions = {};
  if (options.columns !== undefined) table.columns = options.columns;
  if (options.timestamp !== undefined) table.timestamp = options.timestamp;
  if (options.allowNaN !== undefined) table.allowNaN = options.allowNaN;
  return table;
}
