// CSV files to Series: header detection, column selection, a timestamp column, and the
// one-line layout (all values of a single line form one channel, as in the sine data).
import { tokenizeCsv, type CellGrid } from './csv-cells.js';
import { specialValue } from './decimal.js';
import { DataError } from './errors.js';
import { readMaybeGzip } from './files.js';
import { createSeries, type Series } from './series.js';
import { parseTimestamp } from './timestamps.js';

/** How to read a CSV file. Column indices are 0-based. */
export interface CsvOptions {
  /**
   * Whether the first row names the columns. `'auto'` (default) takes it as a header when
   * some cell in it is a word (not a number, NaN/inf, date or empty) while the cell below
   * is a number or a date. A header whose names are all numbers needs `header: true`.
   */
  header?: boolean | 'auto';
  /** One character; default `,`. */
  delimiter?: string;
  /** The value columns, by header name or index; default every column but the timestamp. */
  columns?: readonly (string | number)[];
  /**
   * The timestamp column, by name or index, or `false` for none. By default a header
   * column named `timestamp` (any case) is used. ISO dates become epoch ms (UTC when no
   * zone is given); numeric cells are kept as they are.
   */
  timestamp?: string | number | false;
  /** Keep NaN, inf and empty cells (as NaN) instead of refusing them; default false. */
  allowNaN?: boolean;
  /**
   * `'rows'`: one row per line. `'one-line'`: the file is a single line whose values are
   * the steps of a single channel. `'auto'` (default): one-line when the file has exactly
   * one line of data and no header, rows otherwise.
   */
  layout?: 'auto' | 'rows' | 'one-line';
}

/** A tokenized CSV file with its header decided. */
export interface CsvTable {
  readonly path: string;
  readonly grid: CellGrid;
  /** Column names when the first row is a header. */
  readonly header: readonly string[] | undefined;
  /** Index of the first data row in `grid` (1 with a header, else 0). */
  readonly firstRow: number;
  /** A later chunk of a file read in chunks (csv-chunks.ts): its row 0 is not the file's first. */
  readonly continues?: boolean;
}

/** Reads a CSV file (gzipped or plain) into a Series. */
export function readCsv(path: string, options: CsvOptions = {}): Series {
  return parseCsv(readMaybeGzip(path), path, options);
}

/** Parses CSV content into a Series; `path` is used in error messages only. */
export function parseCsv(
  content: Uint8Array | string,
  path: string,
  options: CsvOptions = {},
): Series {
  const table = csvTable(content, path, options);
  const layout = options.layout ?? 'auto';
  const dataRows = table.grid.rowCount - table.firstRow;
  if (dataRows === 0) throw new DataError(path, 'no data rows');
  const oneLine =
    layout === 'one-line' ||
    (layout === 'auto' &&
      dataRows === 1 &&
      table.header === undefined &&
      options.columns === undefined &&
      (options.timestamp === undefined || options.timestamp === false));
  if (!oneLine) return rowsToSeries(table, options);
  if (dataRows !== 1) {
    throw new DataError(path, `one-line layout needs a single line of values, found ${dataRows}`);
  }
  if (options.columns !== undefined || (options.timestamp ?? false) !== false) {
    throw new DataError(path, 'columns and timestamp do not apply to the one-line layout');
  }
  return oneLineToSeries(table, options.allowNaN ?? false);
}

/** Reads and tokenizes a CSV file and decides whether it has a header. */
export function readCsvTable(
  path: string,
  options: Pick<CsvOptions, 'header' | 'delimiter'> = {},
): CsvTable {
  return csvTable(readMaybeGzip(path), path, options);
}

function csvTable(
  content: Uint8Array | string,
  path: string,
  options: Pick<CsvOptions, 'header' | 'delimiter'>,
): CsvTable {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const grid = tokenizeCsv(bytes, path, options.delimiter ?? ',');
  return tableOf(grid, path, options.header);
}

/** The grid as a table, its first row taken as the header when `header` says so (or looks so). */
export function tableOf(grid: CellGrid, path: string, header: CsvOptions['header']): CsvTable {
  const mode = header ?? 'auto';
  const hasHeader = mode === 'auto' ? looksLikeHeader(grid) : mode;
  if (!hasHeader || grid.rowCount === 0) return { path, grid, header: undefined, firstRow: 0 };
  const names = Array.from({ length: grid.width(0) }, (_, c) => grid.text(0, c));
  return { path, grid, header: names, firstRow: 1 };
}

/** A cell that can appear among data: a number, NaN/inf, a date, or nothing. */
function isValueCell(grid: CellGrid, row: number, col: number): boolean {
  if (!Number.isNaN(grid.number(row, col))) return true;
  const text = grid.text(row, col);
  return text === '' || specialValue(text) !== undefined || !Number.isNaN(parseTimestamp(text));
}

/**
 * Header detection looks at this many leading columns only: enough for any real header,
 * and it keeps a 320,000-value single line from being parsed twice. A header missed this
 * way is not silent: its words then fail to parse as numbers on line 1.
 */
const HEADER_PROBE_COLUMNS = 256;

function looksLikeHeader(grid: CellGrid): boolean {
  if (grid.rowCount === 0) return false;
  const width = Math.min(grid.width(0), HEADER_PROBE_COLUMNS);
  for (let col = 0; col < width; col++) {
    if (isValueCell(grid, 0, col)) continue;
    // A word on top of a value is a column name; a word on top of a word is a text column.
    if (grid.rowCount < 2 || col >= grid.width(1)) return true;
    if (grid.text(1, col) !== '' && isValueCell(grid, 1, col)) return true;
  }
  return false;
}

function columnLabel(table: CsvTable, col: number): string {
  const name = table.header?.[col];
  return name === undefined || name === '' ? `column ${col}` : `column '${name}'`;
}

function resolveColumn(table: CsvTable, ref: string | number, width: number, what: string): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= width) {
      throw new DataError(table.path, `${what} ${ref} out of range: the file has ${width} columns`);
    }
    return ref;
  }
  if (table.header === undefined) {
    throw new DataError(table.path, `${what} '${ref}' given by name, but the file has no header`);
  }
  const index = table.header.indexOf(ref);
  if (index < 0) {
    throw new DataError(
      table.path,
      `no ${what} named '${ref}' (columns: ${table.header.join(', ')})`,
    );
  }
  return index;
}

/** Reads one cell as a float; refuses words, and NaN/inf/empty unless allowed. */
export function numericCell(table: CsvTable, row: number, col: number, allowNaN: boolean): number {
  const { grid } = table;
  const value = grid.number(row, col);
  if (!Number.isNaN(value)) return value;
  const text = grid.text(row, col);
  const line = grid.line(row);
  if (text === '') {
    if (allowNaN) return NaN;
    throw new DataError(table.path, `empty cell in ${columnLabel(table, col)}`, { line });
  }
  const special = specialValue(text);
  if (special === undefined) {
    const hint =
      row === 0 && table.header === undefined && !table.continues
        ? ' (if line 1 is a header, pass header: true)'
        : '';
    throw new DataError(
      table.path,
      `non-numeric cell '${text}' in ${columnLabel(table, col)}${hint}`,
      { line },
    );
  }
  if (!allowNaN) {
    throw new DataError(
      table.path,
      `${text} in ${columnLabel(table, col)} is not allowed (pass allowNaN: true to keep it)`,
      { line },
    );
  }
  return special;
}

function checkWidth(table: CsvTable, row: number, width: number): void {
  const found = table.grid.width(row);
  if (found !== width) {
    throw new DataError(table.path, `expected ${width} cells, found ${found}`, {
      line: table.grid.line(row),
    });
  }
}

/**
 * The data rows of a table as a Series. `width`: the cells every row must have (the
 * header's, else the first data row's; a later chunk of a file passes the file's).
 */
export function rowsToSeries(
  table: CsvTable,
  options: CsvOptions,
  width = table.header?.length ?? table.grid.width(table.firstRow),
): Series {
  const { grid, firstRow, path } = table;
  let timeCol = -1;
  if (options.timestamp !== undefined && options.timestamp !== false) {
    timeCol = resolveColumn(table, options.timestamp, width, 'timestamp column');
  } else if (options.timestamp === undefined && table.header !== undefined) {
    timeCol = table.header.findIndex((name) => name.toLowerCase() === 'timestamp');
  }
  const valueCols =
    options.columns === undefined
      ? Array.from({ length: width }, (_, c) => c).filter((c) => c !== timeCol)
      : options.columns.map((ref) => resolveColumn(table, ref, width, 'column'));
  if (valueCols.length === 0) throw new DataError(path, 'no value columns to read');

  const length = grid.rowCount - firstRow;
  const channels = valueCols.length;
  const allowNaN = options.allowNaN ?? false;
  const data = new Float32Array(length * channels);
  const timestamps = timeCol >= 0 ? new Float64Array(length) : undefined;
  for (let r = 0; r < length; r++) {
    const row = firstRow + r;
    checkWidth(table, row, width);
    for (let j = 0; j < channels; j++) {
      const col = valueCols[j]!;
      const k = r * channels + j;
      data[k] = numericCell(table, row, col, allowNaN);
      if (!allowNaN && !Number.isFinite(data[k]!)) {
        throw new DataError(
          path,
          `value ${grid.text(row, col)} in ${columnLabel(table, col)} overflows float32`,
          { line: grid.line(row) },
        );
      }
    }
    if (timestamps !== undefined) timestamps[r] = timestampCell(table, row, timeCol);
  }
  return createSeries({
    data,
    channels,
    length,
    ...(timestamps && { timestamps }),
    ...(table.header && { names: valueCols.map((c) => table.header![c]!) }),
  });
}

function timestampCell(table: CsvTable, row: number, col: number): number {
  const numeric = table.grid.number(row, col);
  if (!Number.isNaN(numeric)) return numeric;
  const text = table.grid.text(row, col);
  const ms = parseTimestamp(text);
  if (Number.isNaN(ms)) {
    throw new DataError(
      table.path,
      `cannot read timestamp '${text}' in ${columnLabel(table, col)} (expected an ISO date such as 2014-04-10 07:15:00)`,
      { line: table.grid.line(row) },
    );
  }
  return ms;
}

function oneLineToSeries(table: CsvTable, allowNaN: boolean): Series {
  const row = table.firstRow;
  const length = table.grid.width(row);
  const data = new Float32Array(length);
  for (let c = 0; c < length; c++) {
    data[c] = numericCell(table, row, c, allowNaN);
    if (!allowNaN && !Number.isFinite(data[c]!)) {
      throw new DataError(
        table.path,
        `value ${table.grid.text(row, c)} in column ${c} overflows float32`,
        { line: table.grid.line(row) },
      );
    }
  }
  return createSeries({ data, channels: 1, length });
}
