// Rows that arrive one line at a time (a pipe, `tail -f`, an HTTP body): CSV lines, with
// an optional header, or NDJSON lines (an array of numbers, {"values": [...], "time": ...},
// or an object of named columns). A time column, when present, is kept apart from the
// values. Every problem names the line and the column.
import { parse } from 'csv-parse/sync';

export interface LiveRow {
  values: number[];
  time?: string;
}

export interface LiveRowOptions {
  /** Values a row must carry (the model's channels). */
  channels: number;
  format?: 'auto' | 'csv' | 'ndjson';
  /** The time column by name or 0-based index; default: one named timestamp, time or date. */
  timeColumn?: string | number;
  delimiter?: string;
}

const TIME_NAMES = ['timestamp', 'time', 'date', 'datetime'];

const isTimeName = (name: string) => TIME_NAMES.includes(name.trim().toLowerCase());

function toNumber(v: unknown, where: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new Error(`${where}: ${JSON.stringify(v)} is not a finite number`);
  return n;
}

export class LiveRowParser {
  private header?: string[];
  private lines = 0;

  constructor(private readonly o: LiveRowOptions) {}

  /** The row on this line, or null for a blank line or a header. */
  parse(line: string): LiveRow | null {
    this.lines++;
    const text = line.trim();
    if (text === '') return null;
    const where = `line ${this.lines}`;
    const format = this.o.format ?? 'auto';
    const json = format === 'ndjson' || (format === 'auto' && /^[[{]/.test(text));
    const row = json ? this.fromJson(text, where) : this.fromCsv(text, where);
    if (row && row.values.length !== this.o.channels)
      throw new Error(
        `${where}: ${row.values.length} value(s), the model expects ${this.o.channels} (channel mismatch)`,
      );
    return row;
  }

  private fromCsv(text: string, where: string): LiveRow | null {
    let cells: string[];
    try {
      cells =
        (parse(text, { delimiter: this.o.delimiter ?? ',', trim: true }) as string[][])[0] ?? [];
    } catch (err) {
      throw new Error(`${where}: not a CSV line (${(err as Error).message})`);
    }
    if (
      !this.header &&
      this.lines === 1 &&
      cells.some((c) => !Number.isFinite(Number(c)) || c === '')
    ) {
      // A first line with a non-numeric cell is the header, unless it looks like a time.
      if (!(
        cells.length === this.o.channels + 1 &&
        !Number.isFinite(Number(cells[0])) &&
        Date.parse(cells[0]!) > 0
      )) {
        this.header = cells;
        return null;
      }
    }
    const t = this.timeIndex(cells);
    const count = cells.length - (t === undefined ? 0 : 1);
    if (count !== this.o.channels)
      throw new Error(
        `${where}: ${count} value(s), the model expects ${this.o.channels} (channel mismatch)`,
      );
    const values: number[] = [];
    cells.forEach((c, i) => {
      if (i !== t) values.push(toNumber(c, `${where}, column ${this.header?.[i] ?? i + 1}`));
    });
    return t === undefined ? { values } : { values, time: cells[t] };
  }

  /** The time column's index in a CSV row, if it has one. */
  private timeIndex(cells: string[]): number | undefined {
    const tc = this.o.timeColumn;
    if (typeof tc === 'number') return tc;
    if (this.header) {
      const i = this.header.findIndex((h) => (tc === undefined ? isTimeName(h) : h === tc));
      if (i >= 0) return i;
      if (tc !== undefined)
        throw new Error(`--time-column '${tc}' is not in the header (${this.header.join(', ')})`);
      return undefined;
    }
    // No header: one value more than the channels, the first not a number, is a time.
    if (cells.length === this.o.channels + 1 && !Number.isFinite(Number(cells[0]))) return 0;
    return undefined;
  }

  private fromJson(text: string, where: string): LiveRow {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
    }
    return rowFromJson(v, where, this.o.timeColumn);
  }
}

/** A row from a parsed JSON value: [numbers], {values, time?} or {name: number, ...}. */
export function rowFromJson(v: unknown, where: string, timeColumn?: string | number): LiveRow {
  if (Array.isArray(v)) return { values: v.map((x, i) => toNumber(x, `${where}, value ${i}`)) };
  if (typeof v !== 'object' || v === null)
    throw new Error(
      `${where}: expected an array of numbers or an object, got ${JSON.stringify(v)}`,
    );
  const o = v as Record<string, unknown>;
  const timeKey =
    typeof timeColumn === 'string' ? timeColumn : Object.keys(o).find((k) => isTimeName(k));
  const time = timeKey !== undefined ? o[timeKey] : undefined;
  if (time !== undefined && typeof time !== 'string' && typeof time !== 'number')
    throw new Error(`${where}, ${timeKey}: expected a time string or epoch milliseconds`);
  const out: LiveRow = { values: [] };
  if (time !== undefined) out.time = typeof time === 'number' ? new Date(time).toISOString() : time;
  if ('values' in o) {
    if (!Array.isArray(o.values)) throw new Error(`${where}, values: expected an array of numbers`);
    out.values = o.values.map((x, i) => toNumber(x, `${where}, values[${i}]`));
    return out;
  }
  for (const [k, x] of Object.entries(o))
    if (k !== timeKey) out.values.push(toNumber(x, `${where}, ${k}`));
  return out;
}
