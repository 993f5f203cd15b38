// --columns and --time-column, shared by train, score, detect, explain and
// report: which columns of the data file are the channels and which is the
// time. When scoring, the model's manifest supplies the defaults (the names
// and time column training saw) and the columns are matched to it by name.
import type { Command } from 'commander';
import { DataError } from '../data/errors.js';
import type { Series } from '../data/series.js';
import type { Manifest } from '../detectors/model-dir.js';
import { matchTrainedChannels } from '../detectors/trained-channels.js';
import { UsageError } from './common.js';
import { addSourceOptions, readData, readDataChunks, type SourceFlags } from './data-source.js';

export interface DataFlags extends SourceFlags {
  columns?: string;
  timeColumn?: string;
}

/**
 * Adds --columns, --time-column, --table and --query to a command, and --data
 * where `data` says what the series is for.
 */
export function addDataOptions(command: Command, scoring: boolean, data?: string): Command {
  return addSourceOptions(command, data)
    .option(
      '--columns <names>',
      scoring
        ? "comma-separated value columns, by name or 0-based index (default: the model's trained columns, matched by name)"
        : 'comma-separated value columns, by name or 0-based index (default: every column but the time column)',
    )
    .option(
      '--time-column <name>',
      scoring
        ? "timestamp column, by name or index (default: the model's time column, else 'timestamp' if present)"
        : "timestamp column, by name or index (default: 'timestamp' if present)",
    );
}

function ref(text: string): string | number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : t;
}

function parseColumns(text: string): (string | number)[] {
  const refs = text.split(',').map(ref);
  if (refs.some((r) => r === ''))
    throw new UsageError(
      `--columns: empty column name in '${text}' (give names separated by commas)`,
    );
  return refs;
}

export interface ReadData {
  series: Series;
  /** The time column used, by name (or index as text), when the data has times. */
  timeColumn?: string;
  /** What channel matching did (reordering, columns left out). */
  note?: string;
}

/** What the flags and the manifest select: value columns and the time column. */
function selection(flags: DataFlags, manifest: Manifest | undefined) {
  const columns = flags.columns === undefined ? undefined : parseColumns(flags.columns);
  const fromModel = flags.timeColumn === undefined ? manifest?.timeColumn : undefined;
  const time = flags.timeColumn !== undefined ? ref(flags.timeColumn) : fromModel;
  return {
    fromModel,
    time,
    options: {
      ...(columns ? { columns } : {}),
      ...(time !== undefined ? { timestamp: time } : {}),
    },
  };
}

/** A read error about a missing column or time column, as the flag (or model) to fix. */
function readError(err: unknown, path: string, fromModel: string | undefined): unknown {
  const message = (err as Error).message;
  if (err instanceof DataError && /no (timestamp )?column named|out of range/.test(message)) {
    if (fromModel !== undefined && /timestamp column/.test(message))
      return new DataError(
        path,
        `the model was trained with time column '${fromModel}', which this file lacks (${err.problem}); pass --time-column to name this file's time column`,
      );
    const flag = /timestamp column/.test(message) ? '--time-column' : '--columns';
    return new UsageError(`${flag}: ${message}`);
  }
  return err;
}

/** The series as read, matched to the model's channels when there is a manifest. */
function matched(
  path: string,
  series: Series,
  time: string | number | undefined,
  manifest: Manifest | undefined,
): ReadData {
  const timeColumn =
    series.timestamps === undefined ? undefined : time !== undefined ? String(time) : 'timestamp';
  if (!manifest) return { series, ...(timeColumn !== undefined ? { timeColumn } : {}) };
  const m = matchTrainedChannels(series, manifest, path);
  return {
    series: m.series,
    ...(timeColumn !== undefined ? { timeColumn } : {}),
    ...(m.note ? { note: m.note } : {}),
  };
}

/**
 * Reads a data file with the flags; with a manifest, checks the channels against
 * the ones training saw (by name when both have names) and defaults the time column.
 */
export async function readDataFile(
  path: string,
  flags: DataFlags,
  manifest?: Manifest,
): Promise<ReadData> {
  const { fromModel, time, options } = selection(flags, manifest);
  let series: Series;
  try {
    series = await readData(path, flags, options);
  } catch (err) {
    throw readError(err, path, fromModel);
  }
  return matched(path, series, time, manifest);
}

/**
 * readDataFile in consecutive chunks of at most `rows` steps (text files stream with
 * bounded memory; other sources come whole), each matched to the model's channels.
 */
export async function* readDataFileChunks(
  path: string,
  flags: DataFlags,
  manifest?: Manifest,
  rows?: number,
): AsyncGenerator<ReadData> {
  const { fromModel, time, options } = selection(flags, manifest);
  const chunks = readDataChunks(path, flags, options, rows);
  try {
    for (;;) {
      let next: IteratorResult<Series>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw readError(err, path, fromModel);
      }
      if (next.done) return;
      yield matched(path, next.value, time, manifest);
    }
  } finally {
    // Stopped early (a scoring error): close the file.
    await chunks.return(undefined);
  }
}
