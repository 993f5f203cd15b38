// --data for every command that reads a series: a file, or a database table or query
// (--table / --query), resolved by the data layer's one reader.
import { Option, type Command } from 'commander';
import type { Series } from '../data/series.js';
import {
  readSource,
  readSourceChunks,
  type ReadSourceOptions,
} from '../data/sources/read-source.js';
import { displayRef, parseDatabaseRef } from '../data/sources/source-ref.js';
import { UsageError } from './common.js';

/** The --data forms, for help texts. */
export const DATA_FORMS =
  '.csv/.tsv/.txt (optionally .gz), .npy, .npz, .parquet, duckdb:FILE.db or postgres://... (with --table or --query)';

/**
 * Adds --table and --query and, where `data` says what the series is for,
 * --data itself (required).
 */
export function addSourceOptions(command: Command, data?: string): Command {
  if (data !== undefined) command.requiredOption('--data <source>', `${data}: ${DATA_FORMS}`);
  return command.addOption(tableOption()).addOption(queryOption());
}

/** --table: the table of a database --data. */
function tableOption(): Option {
  return new Option(
    '--table <name>',
    'table to read when --data is a database (schema.table allowed) (default: none)',
  );
}

/** --query: the SQL whose rows are read from a database --data. */
function queryOption(): Option {
  return new Option(
    '--query <sql>',
    'SQL whose rows are read when --data is a database (for a .parquet file the file is the view `data`) (default: none)',
  );
}

export interface SourceFlags {
  table?: string;
  query?: string;
}

/** Checks the --table/--query flags against --data (usage errors, exit 2), then reads it. */
export async function readData(
  data: string,
  flags: SourceFlags,
  selection: Pick<ReadSourceOptions, 'columns' | 'timestamp'> = {},
): Promise<Series> {
  return readSource(data, sourceOptions(data, flags, selection));
}

/**
 * readData in consecutive chunks of at most `rows` steps: text files stream with bounded
 * memory; databases and other formats come whole, as one chunk.
 */
export async function* readDataChunks(
  data: string,
  flags: SourceFlags,
  selection: Pick<ReadSourceOptions, 'columns' | 'timestamp'> = {},
  rows?: number,
): AsyncGenerator<Series> {
  yield* readSourceChunks(data, sourceOptions(data, flags, selection), rows);
}

/** The reader's options from the flags, after checking --table/--query against --data. */
function sourceOptions(
  data: string,
  flags: SourceFlags,
  selection: Pick<ReadSourceOptions, 'columns' | 'timestamp'>,
): ReadSourceOptions {
  const database = parseDatabaseRef(data);
  const { table, query } = flags;
  if (table !== undefined && query !== undefined) {
    throw new UsageError('give --table or --query, not both');
  }
  if (database === undefined && (table !== undefined || query !== undefined)) {
    throw new UsageError(
      `--${table !== undefined ? 'table' : 'query'} applies to a database --data (duckdb:FILE.db, postgres://..., FILE.parquet), not ${data}`,
    );
  }
  if (database?.kind === 'parquet' && table !== undefined) {
    throw new UsageError('--table does not apply to a .parquet file (use --query ... FROM data)');
  }
  if (
    database !== undefined &&
    database.kind !== 'parquet' &&
    table === undefined &&
    query === undefined
  ) {
    throw new UsageError(
      `--data ${database.kind === 'duckdb' ? 'duckdb:...' : 'postgres://...'} needs --table NAME or --query "SELECT ..."`,
    );
  }
  return {
    ...selection,
    ...(table !== undefined && { table }),
    ...(query !== undefined && { query }),
  };
}

/** How --data names its series in a results table: a file path, or a URL without password. */
export function seriesLabel(data: string): string {
  const database = parseDatabaseRef(data);
  return database === undefined ? data : displayRef(database);
}
