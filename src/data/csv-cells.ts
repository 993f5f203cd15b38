// Splitting CSV text into cells, remembering each row's source line for error messages.
// Files without quote characters (nearly all numeric data) are split by a byte scanner
// that never builds a string per cell; anything quoted goes to csv-parse, which handles
// the quoting rules properly.
import { parse } from 'csv-parse/sync';
import { DataError, describeError } from './errors.js';
import { parseDecimalBytes, parseDecimalString } from './decimal.js';

/** Rows of cells as read from a CSV file; blank lines are skipped. */
export interface CellGrid {
  readonly rowCount: number;
  /** Number of cells in a row. */
  width(row: number): number;
  /** A cell's text, trimmed of surrounding whitespace. */
  text(row: number, col: number): string;
  /** A cell as a plain decimal number; NaN when it is not one (see decimal.ts). */
  number(row: number, col: number): number;
  /** The 1-based source line of a row. */
  line(row: number): number;
}

const QUOTE = 34;
const NEWLINE = 10;
const SPACE = 32;
const TAB = 9;
const CR = 13;

/** Splits CSV bytes into a grid of cells. `delimiter` is a single character. */
export function tokenizeCsv(bytes: Uint8Array, path: string, delimiter = ','): CellGrid {
  if (delimiter.length !== 1) {
    throw new DataError(path, `CSV delimiter must be one character, got '${delimiter}'`);
  }
  const code = delimiter.charCodeAt(0);
  if (code < 128 && code !== QUOTE && code !== NEWLINE && bytes.indexOf(QUOTE) < 0) {
    return new ByteGrid(bytes, code);
  }
  return quotedGrid(bytes, path, delimiter);
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

/** Cells as byte offsets into the file; strings are made only for the cells asked for. */
class ByteGrid implements CellGrid {
  readonly rowCount: number;
  private readonly rowFirst: Int32Array; // rowCount + 1 entries into the cell arrays
  private readonly cellStart: Int32Array;
  private readonly cellEnd: Int32Array;
  private readonly lines: Int32Array;
  private readonly buffer: Buffer;

  constructor(
    private readonly bytes: Uint8Array,
    delimiter: number,
  ) {
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = bytes.length;
    let begin = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    // Size the index arrays exactly: one cell per delimiter and per line.
    let delimiters = 0;
    let newlines = 0;
    for (let i = begin; i < n; i++) {
      const c = bytes[i];
      if (c === delimiter) delimiters++;
      else if (c === NEWLINE) newlines++;
    }
    const maxCells = delimiters + newlines + 1;
    const cellStart = new Int32Array(maxCells);
    const cellEnd = new Int32Array(maxCells);
    const rowFirst = new Int32Array(newlines + 2);
    const lines = new Int32Array(newlines + 1);
    let cells = 0;
    let rows = 0;
    let first = 0;
    let line = 1;
    for (let i = begin; i <= n; i++) {
      const c = i < n ? bytes[i] : NEWLINE;
      if (c === delimiter) {
        cellStart[cells] = begin;
        cellEnd[cells++] = i;
        begin = i + 1;
      } else if (c === NEWLINE) {
        cellStart[cells] = begin;
        cellEnd[cells++] = i;
        begin = i + 1;
        if (cells - first === 1 && isBlank(bytes, cellStart[first]!, i)) {
          cells = first; // blank line
        } else {
          rowFirst[rows] = first;
          lines[rows++] = line;
          first = cells;
        }
        line++;
      }
    }
    rowFirst[rows] = cells;
    this.rowCount = rows;
    this.rowFirst = rowFirst;
    this.cellStart = cellStart;
    this.cellEnd = cellEnd;
    this.lines = lines;
  }

  width(row: number): number {
    return this.rowFirst[row + 1]! - this.rowFirst[row]!;
  }

  text(row: number, col: number): string {
    const k = this.rowFirst[row]! + col;
    return this.buffer.toString('utf8', this.cellStart[k]!, this.cellEnd[k]!).trim();
  }

  number(row: number, col: number): number {
    const k = this.rowFirst[row]! + col;
    return parseDecimalBytes(this.bytes, this.cellStart[k]!, this.cellEnd[k]!);
  }

  line(row: number): number {
    return this.lines[row]!;
  }
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function quotedGrid(bytes: Uint8Array, path: string, delimiter: string): CellGrid {
  let records: ParsedRecord[];
  try {
    records = parse(bytes, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    throw invalidCsv(err, path);
  }
  const rows = records.filter((r) => !isBlankRecord(r.record));
  return recordsGrid(
    rows.map((r) => r.record),
    rows.map((r) => r.info.lines),
  );
}

/** A record csv-parse gives for a blank line (spaces only, trimmed). */
export function isBlankRecord(record: readonly string[]): boolean {
  return record.length === 1 && record[0] === '';
}

/** csv-parse's complaint as a DataError naming the file and, when known, the line. */
export function invalidCsv(err: unknown, path: string): DataError {
  const line = (err as { lines?: unknown }).lines;
  return new DataError(path, `invalid CSV (${describeError(err)})`, {
    ...(typeof line === 'number' && { line }),
    cause: err,
  });
}

/** Records parsed by csv-parse (trimmed cells) as a grid; `lines[r]` is record r's source line. */
export function recordsGrid(records: readonly string[][], lines: ArrayLike<number>): CellGrid {
  return {
    rowCount: records.length,
    width: (row) => records[row]!.length,
    text: (row, col) => records[row]![col]!,
    number: (row, col) => parseDecimalString(records[row]![col]!),
    line: (row) => lines[row]!,
  };
}
