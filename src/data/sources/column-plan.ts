// Which columns of a table become the series: the time column and the value columns,
// chosen by the same rules as the CSV reader's, with types checked before any row is read.
import { DataError } from '../errors.js';
import { createSeries, type Series } from '../series.js';
import { columnKind, type ColumnKind } from './sql.js';

/** How to read a table or query result into a Series. */
export interface TableReadOptions {
  /** The value columns, by name or 0-based index; default every column but the time column. */
  columns?: readonly (string | number)[];
  /**
   * The time column by name or index, or `false` for none. By default a column named
   * `timestamp` (any case), else the only column of a TIMESTAMP or DATE type. Times
   * become epoch ms (UTC when the type has no zone); a numeric column is kept as it is.
   */
  timestamp?: string | number | false;
  /** Keep NULL and NaN values (as NaN) instead of refusing them; default false. */
  allowNaN?: boolean;
}

/** A column of the result, as the database describes it. */
export interface SourceColumn {
  name: string;
  type: string;
}

/** The chosen columns: indices into the result's columns. */
export interface ColumnPlan {
  time: { index: number; kind: ColumnKind; name: string } | undefined;
  values: number[];
  names: string[];
}

function resolve(
  source: string,
  columns: readonly SourceColumn[],
  ref: string | number,
  what: string,
): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= columns.length) {
      throw new DataError(
        source,
        `${what} ${ref} out of range: the result has ${columns.length} columns`,
      );
    }
    return ref;
  }
  const index = columns.findIndex((c) => c.name === ref);
  if (index < 0) {
    throw new DataError(
      source,
      `no ${what} named '${ref}' (columns: ${columns.map((c) => c.name).join(', ')})`,
    );
  }
  return index;
}

/** Picks the time and value columns and refuses value columns that are not numbers. */
export function planColumns(
  source: string,
  columns: readonly SourceColumn[],
  options: TableReadOptions,
): ColumnPlan {
  if (columns.length === 0) throw new DataError(source, 'the result has no columns');
  let timeIndex = -1;
  if (options.timestamp !== undefined && options.timestamp !== false) {
    timeIndex = resolve(source, columns, options.timestamp, 'time column');
  } else if (options.timestamp === undefined) {
    timeIndex = columns.findIndex((c) => c.name.toLowerCase() === 'timestamp');
    if (timeIndex < 0) {
      const temporal = columns.flatMap((c, i) => (columnKind(c.type) === 'time' ? [i] : []));
      if (temporal.length === 1) timeIndex = temporal[0]!;
    }
  }
  let time: ColumnPlan['time'];
  if (timeIndex >= 0) {
    const col = columns[timeIndex]!;
    const kind = columnKind(col.type);
    if (kind === 'other') {
      throw new DataError(
        source,
        `time column '${col.name}' is ${col.type}, not a TIMESTAMP, DATE or number`,
      );
    }
    time = { index: timeIndex, kind, name: col.name };
  }
  const values =
    options.columns === undefined
      ? columns.map((_, i) => i).filter((i) => i !== timeIndex)
      : options.columns.map((ref) => resolve(source, columns, ref, 'column'));
  if (values.length === 0) throw new DataError(source, 'no value columns to read');
  for (const i of values) {
    const col = columns[i]!;
    if (columnKind(col.type) !== 'number') {
      throw new DataError(
        source,
        `column '${col.name}' is ${col.type}, not numeric (choose the value columns with --columns, or cast it in --query)`,
      );
    }
  }
  return { time, values, names: values.map((i) => columns[i]!.name) };
}

/**
 * Rows gathered into the Series layout as they arrive, so a long result is held once,
 * as float32, never as row objects. With an exact row count given up front there is
 * no copy at all.
 */
export class RowBlock {
  private data: Float32Array;
  private times: Float64Array | undefined;
  length = 0;

  constructor(
    private readonly source: string,
    private readonly plan: ColumnPlan,
    private readonly allowNaN: boolean,
    capacity = 1024,
  ) {
    const rows = Math.max(1, capacity);
    this.data = new Float32Array(rows * plan.values.length);
    this.times = plan.time === undefined ? undefined : new Float64Array(rows);
  }

  /** Makes room for `rows` more rows. */
  reserve(rows: number): void {
    const channels = this.plan.values.length;
    const need = (this.length + rows) * channels;
    if (need <= this.data.length) return;
    const capacity = Math.max(need / channels, 2 * (this.data.length / channels));
    const data = new Float32Array(capacity * channels);
    data.set(this.data.subarray(0, this.length * channels));
    this.data = data;
    if (this.times !== undefined) {
      const times = new Float64Array(capacity);
      times.set(this.times.subarray(0, this.length));
      this.times = times;
    }
  }

  /** Stores value `j` (0-based among the value columns) of row `row` (absolute). */
  setValue(row: number, j: number, value: number | null): void {
    const v = value === null ? NaN : value;
    const f = Math.fround(v);
    if (!Number.isFinite(f) && !this.allowNaN) {
      const name = this.plan.names[j]!;
      const problem =
        value === null
          ? `NULL in column '${name}' at row ${row + 1}`
          : Number.isFinite(v)
            ? `value ${v} in column '${name}' at row ${row + 1} overflows float32`
            : `${v} in column '${name}' at row ${row + 1}`;
      throw new DataError(this.source, `${problem} is not allowed (pass allowNaN to keep it)`);
    }
    this.data[row * this.plan.values.length + j] = f;
  }

  setTime(row: number, value: number | null): void {
    if (value === null || !Number.isFinite(value)) {
      throw new DataError(
        this.source,
        `missing time in column '${this.plan.time!.name}' at row ${row + 1}`,
      );
    }
    this.times![row] = value;
  }

  /** The rows read as a Series (an empty result is an error, as for a file). */
  finish(): Series {
    if (this.length === 0) throw new DataError(this.source, 'no rows');
    const channels = this.plan.values.length;
    const used = this.length * channels;
    const data = used === this.data.length ? this.data : this.data.slice(0, used);
    const times = this.times;
    return createSeries({
      data,
      channels,
      length: this.length,
      names: this.plan.names,
      ...(times && {
        timestamps: times.length === this.length ? times : times.slice(0, this.length),
      }),
    });
  }
}
