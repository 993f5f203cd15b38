// Generic label files: ranges as JSON or CSV, and a 0/1 label column in a CSV.
import { readCsvTable, type CsvTable } from './csv.js';
import { DataError, describeError } from './errors.js';
import { readMaybeGzip } from './files.js';
import { checkRange, type IndexRange } from './ranges.js';

/**
 * Reads inclusive row ranges from `.json` (`[[start, end], ...]` or `{"ranges": [...]}`)
 * or from `.csv` (two columns `start,end`, header optional).
 */
export function readRanges(path: string): IndexRange[] {
  const lower = path.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith('.json')) return parseRangesJson(readJson(path), path);
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return readRangesCsv(path);
  throw new DataError(path, 'unsupported ranges file type (expected .json or .csv)');
}

/** Reads and parses a JSON file, reporting syntax errors against the file. */
export function readJson(path: string): unknown {
  const text = Buffer.from(readMaybeGzip(path)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DataError(path, `invalid JSON (${describeError(err)})`, { cause: err });
  }
}

/**
 * Validates parsed JSON ranges: an array of `[start, end]` integer pairs, bare or under
 * a `ranges` key. `path` is for error messages.
 */
export function parseRangesJson(json: unknown, path: string): IndexRange[] {
  let list = json;
  let key = '';
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    if (!('ranges' in json)) {
      throw new DataError(path, 'expected an array of [start, end] pairs or {"ranges": [...]}');
    }
    list = (json as { ranges: unknown }).ranges;
    key = 'ranges';
  }
  if (!Array.isArray(list)) {
    throw new DataError(path, 'expected an array of [start, end] pairs', key ? { key } : {});
  }
  return list.map((item: unknown, i) => {
    const where = { key: `${key}[${i}]` };
    if (!Array.isArray(item) || item.length !== 2 || !item.every((v) => typeof v === 'number')) {
      throw new DataError(path, `expected [start, end], found ${JSON.stringify(item)}`, where);
    }
    const range: IndexRange = [item[0] as number, item[1] as number];
    try {
      checkRange(range);
    } catch (err) {
      throw new DataError(path, describeError(err), where);
    }
    return range;
  });
}

/** Reads a cell that must be a non-negative integer. */
export function integerCell(table: CsvTable, row: number, col: number, what: string): number {
  const value = table.grid.number(row, col);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DataError(
      table.path,
      `${what} '${table.grid.text(row, col)}' is not a non-negative integer`,
      { line: table.grid.line(row) },
    );
  }
  return value;
}

function readRangesCsv(path: string): IndexRange[] {
  const table = readCsvTable(path);
  const { grid } = table;
  const ranges: IndexRange[] = [];
  for (let row = table.firstRow; row < grid.rowCount; row++) {
    const line = grid.line(row);
    if (grid.width(row) !== 2) {
      throw new DataError(path, `expected 2 cells (start,end), found ${grid.width(row)}`, { line });
    }
    const start = integerCell(table, row, 0, 'start');
    const end = integerCell(table, row, 1, 'end');
    if (start > end) throw new DataError(path, `start ${start} is after end ${end}`, { line });
    ranges.push([start, end]);
  }
  return ranges;
}

/**
 * Reads a 0/1 label column of a CSV file as a mask. The column is named or indexed by
 * `column`; by default the only column, or a column named `label` (any case).
 */
export function readLabelColumn(
  path: string,
  options: { column?: string | number; header?: boolean | 'auto' } = {},
): Uint8Array {
  const table = readCsvTable(path, { header: options.header ?? 'auto' });
  const { grid, header } = table;
  if (grid.rowCount <= table.firstRow) throw new DataError(path, 'no data rows');
  const width = header?.length ?? grid.width(table.firstRow);
  let col: number;
  if (typeof options.column === 'number') {
    col = options.column;
    if (!Number.isInteger(col) || col < 0 || col >= width) {
      throw new DataError(path, `column ${col} out of range: the file has ${width} columns`);
    }
  } else if (typeof options.column === 'string') {
    col = header?.indexOf(options.column) ?? -1;
    if (col < 0) {
      throw new DataError(
        path,
        `no column named '${options.column}' (columns: ${header?.join(', ') ?? 'none, no header'})`,
      );
    }
  } else if (width === 1) {
    col = 0;
  } else {
    col = header?.findIndex((h) => h.toLowerCase() === 'label') ?? -1;
    if (col < 0) throw new DataError(path, `${width} columns: say which one holds the labels`);
  }
  const mask = new Uint8Array(grid.rowCount - table.firstRow);
  for (let row = table.firstRow; row < grid.rowCount; row++) {
    const line = grid.line(row);
    if (grid.width(row) !== width) {
      throw new DataError(path, `expected ${width} cells, found ${grid.width(row)}`, { line });
    }
    const value = grid.number(row, col);
    if (value !== 0 && value !== 1) {
      throw new DataError(path, `expected a label 0 or 1, found '${grid.text(row, col)}'`, {
        line,
      });
    }
    mask[row - table.firstRow] = value;
  }
  return mask;
}
