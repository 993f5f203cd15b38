// UCI Daily and Sports Activities (DSADS): `aXX/pY/sZZ.txt`, each a 5 s segment of
// 125 rows (25 Hz) x 45 columns (5 units x 3 sensors x 3 axes), comma separated.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from './csv.js';
import { DataError, describeError } from './errors.js';
import type { Series } from './series.js';

export const DSADS_ROWS = 125;
export const DSADS_CHANNELS = 45;

/** One segment with where it came from. */
export interface DsadsSegment {
  /** Activity 1..19 (`a01`..`a19`). */
  readonly activity: number;
  /** Person 1..8 (`p1`..`p8`). */
  readonly person: number;
  /** Segment 1..60 (`s01`..`s60`). */
  readonly segment: number;
  readonly path: string;
  /** `[125, 45]`. */
  readonly series: Series;
}

/** Which segments to read; all when left out. */
export interface DsadsFilter {
  activities?: readonly number[];
  persons?: readonly number[];
  segments?: readonly number[];
}

/** Reads one segment file, checking it is 125 x 45. */
export function readDsadsSegment(path: string): Series {
  const series = readCsv(path, { header: false, layout: 'rows' });
  if (series.length !== DSADS_ROWS || series.channels !== DSADS_CHANNELS) {
    throw new DataError(
      path,
      `expected ${DSADS_ROWS} rows x ${DSADS_CHANNELS} columns, found ${series.length} x ${series.channels}`,
    );
  }
  return series;
}

function listDir(path: string, pattern: RegExp): { name: string; n: number }[] {
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(
      path,
      code === 'ENOENT' ? 'directory not found' : `cannot list directory (${describeError(err)})`,
      { cause: err },
    );
  }
  return names
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((e) => e.m !== null)
    .map((e) => ({ name: e.name, n: Number(e.m![1]) }))
    .sort((a, b) => a.n - b.n);
}

/** The persons (1..8) with a folder under any activity of a DSADS root, ascending. */
export function dsadsPersons(root: string): number[] {
  const persons = new Set<number>();
  for (const a of listDir(root, /^a(\d+)$/))
    for (const p of listDir(join(root, a.name), /^p(\d+)$/)) persons.add(p.n);
  if (persons.size === 0) throw new DataError(root, 'no person folders (aXX/pY) found');
  return [...persons].sort((a, b) => a - b);
}

/**
 * Reads the segments under a DSADS root, ordered by activity, person, segment.
 * A requested activity or person that has no segment is an error (a typo or a
 * partial copy of the data set should not pass unnoticed).
 */
export function readDsads(root: string, filter: DsadsFilter = {}): DsadsSegment[] {
  const keep = (wanted: readonly number[] | undefined, n: number): boolean =>
    wanted === undefined || wanted.includes(n);
  const segments: DsadsSegment[] = [];
  for (const a of listDir(root, /^a(\d+)$/)) {
    if (!keep(filter.activities, a.n)) continue;
    const activityDir = join(root, a.name);
    for (const p of listDir(activityDir, /^p(\d+)$/)) {
      if (!keep(filter.persons, p.n)) continue;
      const personDir = join(activityDir, p.name);
      for (const s of listDir(personDir, /^s(\d+)\.txt$/)) {
        if (!keep(filter.segments, s.n)) continue;
        const path = join(personDir, s.name);
        segments.push({
          activity: a.n,
          person: p.n,
          segment: s.n,
          path,
          series: readDsadsSegment(path),
        });
      }
    }
  }
  const missing = (what: string, wanted: readonly number[] | undefined, key: keyof DsadsSegment) =>
    (wanted ?? []).filter((n) => !segments.some((s) => s[key] === n)).map((n) => `${what} ${n}`);
  const absent = [
    ...missing('activity', filter.activities, 'activity'),
    ...missing('person', filter.persons, 'person'),
    ...missing('segment', filter.segments, 'segment'),
  ];
  if (absent.length > 0) {
    throw new DataError(root, `no segments found for ${absent.join(', ')}`);
  }
  return segments;
}
