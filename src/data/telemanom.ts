// Label tables of the NASA SMAP/MSL telemetry data (telemanom).
import { readCsvTable, type CsvTable } from './csv.js';
import { DataError } from './errors.js';
import { integerCell } from './labels.js';
import { checkRange, type IndexRange } from './ranges.js';

/** One row of telemanom's `labeled_anomalies.csv`. */
export interface TelemanomLabel {
  /** Channel id such as `P-1`; also the data file name (`P-1.npy`). */
  readonly channel: string;
  /** `SMAP` or `MSL`. */
  readonly spacecraft: string;
  /** Inclusive index ranges into the channel's test series, in file order. */
  readonly ranges: IndexRange[];
  /** One class per range (`point` or `contextual`), in the same order. */
  readonly classes: string[];
  /** Length of the channel's test series. */
  readonly numValues: number;
}

function headerColumns(table: CsvTable, names: readonly string[]): number[] {
  const header = table.header;
  if (header === undefined) {
    throw new DataError(table.path, `expected a header with columns ${names.join(', ')}`);
  }
  return names.map((name) => {
    const index = header.indexOf(name);
    if (index < 0) {
      throw new DataError(table.path, `no column '${name}' (columns: ${header.join(', ')})`);
    }
    return index;
  });
}

/**
 * Reads `labeled_anomalies.csv` (`chan_id,spacecraft,anomaly_sequences,class,num_values`),
 * one entry per row in file order. A channel may have several rows (P-2 has two):
 * they are kept apart, as telemanom evaluates each row on its own.
 */
export function readTelemanomLabels(path: string): TelemanomLabel[] {
  const table = readCsvTable(path, { header: true });
  const { grid } = table;
  const [chanCol, craftCol, seqCol, classCol, countCol] = headerColumns(table, [
    'chan_id',
    'spacecraft',
    'anomaly_sequences',
    'class',
    'num_values',
  ]) as [number, number, number, number, number];
  const width = table.header!.length;
  const labels: TelemanomLabel[] = [];
  for (let row = 1; row < grid.rowCount; row++) {
    const line = grid.line(row);
    if (grid.width(row) !== width) {
      throw new DataError(path, `expected ${width} cells, found ${grid.width(row)}`, { line });
    }
    const numValues = integerCell(table, row, countCol, 'num_values');
    const seqText = grid.text(row, seqCol);
    let parsed: unknown;
    try {
      parsed = JSON.parse(seqText);
    } catch {
      parsed = undefined;
    }
    if (
      !Array.isArray(parsed) ||
      !parsed.every((r) => Array.isArray(r) && r.length === 2 && r.every(Number.isInteger))
    ) {
      throw new DataError(
        path,
        `anomaly_sequences '${seqText}' is not a list of [start, end] pairs`,
        { line },
      );
    }
    const ranges = (parsed as [number, number][]).map((r): IndexRange => [r[0], r[1]]);
    for (const range of ranges) {
      try {
        checkRange(range, numValues);
      } catch (err) {
        throw new DataError(path, `${(err as Error).message} (num_values ${numValues})`, { line });
      }
    }
    const classText = grid.text(row, classCol);
    const classes = classText
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((c) => c.trim().replace(/^['"]|['"]$/g, ''))
      .filter((c) => c !== '');
    if (classes.length !== ranges.length) {
      throw new DataError(
        path,
        `${ranges.length} anomaly sequences but ${classes.length} classes in '${classText}'`,
        { line },
      );
    }
    labels.push({
      channel: grid.text(row, chanCol),
      spacecraft: grid.text(row, craftCol),
      ranges,
      classes,
      numValues,
    });
  }
  return labels;
}

/** One row of a per-channel range table. */
export interface ChannelRanges {
  readonly channel: string;
  readonly numValues: number;
  /** Inclusive index ranges. */
  readonly ranges: IndexRange[];
}

/**
 * Reads a per-channel range table `chan_id,num_values,num_true_anoms,start1,end1,...`.
 * Rows may stop after their last pair or leave the remaining cells empty;
 * `num_true_anoms` must match the number of pairs given.
 */
export function readChannelRangeTable(path: string): ChannelRanges[] {
  const table = readCsvTable(path, { header: true });
  const { grid } = table;
  const [chanCol, countCol, anomsCol] = headerColumns(table, [
    'chan_id',
    'num_values',
    'num_true_anoms',
  ]) as [number, number, number];
  const firstPair = Math.max(chanCol, countCol, anomsCol) + 1;
  const rows: ChannelRanges[] = [];
  for (let row = 1; row < grid.rowCount; row++) {
    const line = grid.line(row);
    let width = grid.width(row);
    while (width > firstPair && grid.text(row, width - 1) === '') width--;
    if (width < firstPair) {
      throw new DataError(path, `expected at least ${firstPair} cells, found ${width}`, { line });
    }
    if ((width - firstPair) % 2 !== 0) {
      throw new DataError(path, `odd number of range cells: every start needs an end`, { line });
    }
    const numValues = integerCell(table, row, countCol, 'num_values');
    const expected = integerCell(table, row, anomsCol, 'num_true_anoms');
    const ranges: IndexRange[] = [];
    for (let col = firstPair; col < width; col += 2) {
      const range: IndexRange = [
        integerCell(table, row, col, 'start'),
        integerCell(table, row, col + 1, 'end'),
      ];
      try {
        checkRange(range, numValues);
      } catch (err) {
        throw new DataError(path, `${(err as Error).message} (num_values ${numValues})`, { line });
      }
      ranges.push(range);
    }
    if (ranges.length !== expected) {
      throw new DataError(
        path,
        `num_true_anoms is ${expected} but the row has ${ranges.length} ranges`,
        { line },
      );
    }
    rows.push({ channel: grid.text(row, chanCol), numValues, ranges });
  }
  return rows;
}
