// Reading a long CSV file a chunk of rows at a time, so that memory does not grow with
// the file: the bytes stream (through gunzip when they are gzip) into csv-parse's
// streaming parser, and each chunk of records goes through the same header, column, cell
// and timestamp checks as readCsv (csv.ts), with the file's line numbers in errors.
// A file of at most `rows` data rows is parsed whole by parseCsv instead, so short files
// (and the one-line layout) read exactly as they always did.
import { createReadStream } from 'node:fs';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { invalidCsv, isBlankRecord, recordsGrid } from './csv-cells.js';
import { parseCsv, readCsv, rowsToSeries, tableOf, type CsvOptions } from './csv.js';
import { DataError, describeError } from './errors.js';
import { checkFile, corruptGzip, isGzip, notGzip } from './files.js';
import type { Series } from './series.js';

/**
 * Rows per chunk unless the caller says otherwise: small, so that the parsed records
 * die young in V8's heap (65,536-row chunks were promoted and grew the heap to 110 MB
 * reading 10^6 rows; 4,096-row chunks keep it near 40 MB).
 */
export const CSV_CHUNK_ROWS = 4096;

const QUOTE = 34;

/**
 * The file's bytes on their way to the parser: gunzipped when they start with the gzip
 * magic number, kept (`kept`) until the caller knows the file is long, and watched for
 * quote characters (only a quoted cell can hold a line break).
 */
class CsvBytes extends Transform {
  kept: Buffer[] | undefined = [];
  quoted = false;
  /** undefined until the first bytes arrive; null for plain bytes. */
  private gunzip: Gunzip | null | undefined;

  constructor(private readonly path: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.gunzip === undefined) {
      if (isGzip(chunk)) {
        const gunzip = createGunzip();
        gunzip.on('data', (bytes: Buffer) => this.pass(bytes));
        gunzip.on('error', (err) => this.destroy(corruptGzip(err, this.path)));
        this.gunzip = gunzip;
      } else if (this.path.toLowerCase().endsWith('.gz')) {
        done(notGzip(this.path));
        return;
      } else {
        this.gunzip = null;
      }
    }
    if (this.gunzip) {
      this.gunzip.write(chunk, () => done());
      return;
    }
    this.pass(chunk);
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.gunzip === undefined && this.path.toLowerCase().endsWith('.gz')) {
      done(notGzip(this.path));
      return;
    }
    if (!this.gunzip) {
      done();
      return;
    }
    this.gunzip.once('end', () => done());
    this.gunzip.end();
  }

  private pass(bytes: Buffer): void {
    if (!this.quoted && bytes.includes(QUOTE)) this.quoted = true;
    this.kept?.push(bytes);
    this.push(bytes);
  }
}

function lineBreaks(cell: string): number {
  let n = 0;
  for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) n++;
  return n;
}

/** A failure while streaming the file, as a DataError naming it. */
function readFailure(err: unknown, path: string): unknown {
  if (err instanceof DataError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('CSV_')) return invalidCsv(err, path);
  return new DataError(path, `cannot read file (${describeError(err)})`, { cause: err });
}

/**
 * Reads a CSV file (gzipped or plain; '-' is standard input) as consecutive Series of
 * `rows` steps each (the last one shorter), with the names and timestamps readCsv gives.
 * Files of at most `rows` data rows come as one Series read by parseCsv.
 */
export async function* readCsvChunks(
  path: string,
  options: CsvOptions = {},
  rows = CSV_CHUNK_ROWS,
): AsyncGenerator<Series> {
  const delimiter = options.delimiter ?? ',';
  if (options.layout === 'one-line' || delimiter.length !== 1) {
    yield readCsv(path, options);
    return;
  }
  if (path !== '-') checkFile(path);
  const source = path === '-' ? process.stdin : createReadStream(path);
  const bytes = new CsvBytes(path);
  // Blank lines come through as [''] records, so that lines can be counted.
  const parser = parse({
    delimiter,
    relax_column_count: true,
    skip_empty_lines: false,
    trim: true,
    bom: true,
  });
  // Any stage's error ends the parser, and so the loop below, with that error.
  pipeline(source, bytes, parser, () => {});

  // The header and the row width are decided from the first rows + 1 data rows.
  let table: { header: readonly string[] | undefined; width: number } | undefined;
  let records: string[][] = [];
  let lines: number[] = [];
  let line = 0;
  let continues = false;
  const chunk = (): Series => {
    const series = rowsToSeries(
      { path, grid: recordsGrid(records, lines), header: table!.header, firstRow: 0, continues },
      options,
      table!.width,
    );
    records = [];
    lines = [];
    continues = true;
    return series;
  };
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      if (bytes.quoted) for (const cell of record) line += lineBreaks(cell);
      if (isBlankRecord(record)) continue;
      records.push(record);
      lines.push(line);
      if (table === undefined) {
        if (records.length <= rows + 1) continue;
        // Long enough to stream: the bytes kept for a whole read are not needed.
        bytes.kept = undefined;
        const decided = tableOf(recordsGrid(records, lines), path, options.header);
        const first = decided.firstRow;
        table = {
          header: decided.header,
          width: decided.header?.length ?? decided.grid.width(first),
        };
        const rest = { records: records.slice(first + rows), lines: lines.slice(first + rows) };
        records = records.slice(first, first + rows);
        lines = lines.slice(first, first + rows);
        yield chunk();
        records = rest.records;
        lines = rest.lines;
      } else if (records.length === rows) {
        yield chunk();
      }
    }
  } catch (err) {
    throw readFailure(err, path);
  }
  if (table === undefined) {
    yield parseCsv(Buffer.concat(bytes.kept ?? []), path, options);
    return;
  }
  if (records.length > 0) yield chunk();
}
