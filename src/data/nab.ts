// The Numenta Anomaly Benchmark: data files `data/<category>/<file>.csv` with
// `timestamp,value` rows, and anomaly windows in `labels/combined_windows.json` given as
// timestamp pairs, keyed by `<category>/<file>.csv`.
import { join } from 'node:path';
import { readCsv } from './csv.js';
import { DataError, describeError } from './errors.js';
import { readJson } from './labels.js';
import type { IndexRange } from './ranges.js';
import type { Series } from './series.js';
import { parseTimestamp } from './timestamps.js';

/** An anomaly window in time: epoch ms (UTC), both ends included. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** One NAB data file with its windows as row ranges. */
export interface NabFile {
  /** Relative name `<category>/<file>.csv`, the key used in NAB's label files. */
  readonly name: string;
  /** One channel `value`, with timestamps. */
  readonly series: Series;
  /** Anomaly windows as inclusive row-index ranges, in time order. */
  readonly windows: IndexRange[];
}

/** Path of the windows file inside a NAB root. */
export function nabWindowsPath(root: string): string {
  return join(root, 'labels', 'combined_windows.json');
}

/**
 * Reads NAB anomaly windows (`combined_windows.json` or a file of the same layout),
 * keyed by relative data file name. Files without anomalies map to an empty list.
 */
export function readNabWindows(path: string): Map<string, TimeWindow[]> {
  const json = readJson(path);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new DataError(path, 'expected an object mapping file names to windows');
  }
  const windows = new Map<string, TimeWindow[]>();
  for (const [name, list] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(list)) {
      throw new DataError(path, 'expected a list of [start, end] timestamp pairs', { key: name });
    }
    windows.set(
      name,
      list.map((pair: unknown, i): TimeWindow => {
        const where = { key: `${name}[${i}]` };
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new DataError(path, `expected [start, end], found ${JSON.stringify(pair)}`, where);
        }
        const [start, end] = pair.map((t: unknown) =>
          typeof t === 'string' ? parseTimestamp(t) : NaN,
        ) as [number, number];
        if (Number.isNaN(start) || Number.isNaN(end)) {
          throw new DataError(path, `unreadable timestamps ${JSON.stringify(pair)}`, where);
        }
        if (start > end) throw new DataError(path, `window starts after it ends`, where);
        return { start, end };
      }),
    );
  }
  return windows;
}

/**
 * The rows inside each window: those whose time t has start <= t <= end (NAB's own
 * rule), as one inclusive range. NAB files are not strictly increasing (daylight-saving
 * repeats, one step back in time), so rows are tested one by one rather than by binary
 * search. A window holding no row, or rows that are not contiguous, is an error: either
 * would silently change a labelled anomaly.
 */
export function windowsToRanges(
  timestamps: Float64Array,
  windows: readonly TimeWindow[],
): IndexRange[] {
  return windows.map((w) => {
    let first = -1;
    let last = -1;
    let count = 0;
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i]!;
      if (t >= w.start && t <= w.end) {
        if (first < 0) first = i;
        last = i;
        count++;
      }
    }
    const span = `${new Date(w.start).toISOString()} .. ${new Date(w.end).toISOString()}`;
    if (first < 0) throw new RangeError(`window ${span} holds no rows`);
    if (count !== last - first + 1) {
      throw new RangeError(`window ${span} holds rows ${first}..${last} but not all in between`);
    }
    return [first, last];
  });
}

/**
 * Reads a NAB data file: one channel `value` with timestamps. Timestamps are kept as
 * they are, repeats and steps back included, since NAB scores row by row.
 */
export function readNabFile(path: string): Series {
  return readCsv(path, { timestamp: 'timestamp', columns: ['value'] });
}

/**
 * Reads one NAB file with its windows. `name` is `<category>/<file>.csv` under
 * `<root>/data`; `windows` defaults to `<root>/labels/combined_windows.json`
 * (pass the map from `readNabWindows` when reading many files).
 */
export function readNab(
  root: string,
  name: string,
  windows: Map<string, TimeWindow[]> = readNabWindows(nabWindowsPath(root)),
): NabFile {
  const list = windows.get(name);
  if (list === undefined) {
    throw new DataError(nabWindowsPath(root), 'no windows entry for this file', { key: name });
  }
  const path = join(root, 'data', name);
  const series = readNabFile(path);
  try {
    return { name, series, windows: windowsToRanges(series.timestamps!, list) };
  } catch (err) {
    throw new DataError(path, describeError(err), { cause: err });
  }
}

/** Reads every file listed in the windows file (58 in NAB v1.1), sorted by name. */
export function readNabCorpus(root: string): NabFile[] {
  const windows = readNabWindows(nabWindowsPath(root));
  return [...windows.keys()].sort().map((name) => readNab(root, name, windows));
}
