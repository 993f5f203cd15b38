// One entry point that picks a reader from the file name.
import { readCsv, type CsvOptions } from './csv.js';
import { CSV_CHUNK_ROWS, readCsvChunks } from './csv-chunks.js';
import { DataError } from './errors.js';
import { ndarrayToSeries } from './ndarray.js';
import { readNpy } from './npy.js';
import { readNpz } from './npz.js';
import { selectChannels, type Series } from './series.js';

export interface ReadSeriesOptions extends CsvOptions {
  /** The array to read from an `.npz`; may be left out when the archive holds one array. */
  key?: string;
}

const SUPPORTED = '.csv, .tsv, .txt (each optionally .gz), .npy, .npy.gz, .npz';

/**
 * Reads a series from `.csv`/`.txt` (comma separated), `.tsv` (tab separated), any of
 * those gzipped, `.npy`/`.npy.gz` (1-D or 2-D) or `.npz` (the array under `key`).
 * '-' reads CSV from standard input. `columns` (indices) and `allowNaN` apply to every format; the other CSV options to
 * text files only.
 */
export function readSeries(path: string, options: ReadSeriesOptions = {}): Series {
  const csv = csvOptions(path, options);
  if (csv) return readCsv(path, csv);
  const lower = path.toLowerCase();
  const base = lower.endsWith('.gz') ? lower.slice(0, -3) : lower;
  const arrayOptions = options.allowNaN === undefined ? {} : { allowNaN: options.allowNaN };
  let series: Series;
  if (base.endsWith('.npy')) {
    series = ndarrayToSeries(readNpy(path), path, arrayOptions);
  } else if (lower.endsWith('.npz')) {
    const arrays = readNpz(path, options.key === undefined ? undefined : [options.key]);
    let key = options.key;
    if (key === undefined) {
      if (arrays.size === 0) throw new DataError(path, 'holds no .npy arrays');
      if (arrays.size > 1) {
        throw new DataError(
          path,
          `holds ${arrays.size} arrays (${[...arrays.keys()].join(', ')}): pass key to pick one`,
        );
      }
      key = [...arrays.keys()][0]!;
    }
    series = ndarrayToSeries(arrays.get(key)!, path, { ...arrayOptions, key });
  } else {
    throw new DataError(path, `unsupported file type (expected ${SUPPORTED})`);
  }
  if (options.columns === undefined) return series;
  const columns = options.columns;
  for (const c of columns) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= series.channels) {
      throw new DataError(
        path,
        `column ${JSON.stringify(c)} is not an index below ${series.channels} (arrays have no column names)`,
      );
    }
  }
  return selectChannels(series, columns);
}

/** The CSV reader's options for a text file (.csv, .txt, .tsv, gzipped or not, '-'); else undefined. */
function csvOptions(path: string, options: ReadSeriesOptions): CsvOptions | undefined {
  // '-' is standard input, read as CSV.
  const lower = path === '-' ? '-.csv' : path.toLowerCase();
  const base = lower.endsWith('.gz') ? lower.slice(0, -3) : lower;
  if (base.endsWith('.csv') || base.endsWith('.txt')) return options;
  if (base.endsWith('.tsv')) return { ...options, delimiter: options.delimiter ?? '\t' };
  return undefined;
}

/**
 * Reads a series as consecutive chunks of at most `rows` steps: text files stream
 * (bounded memory, see csv-chunks.ts); other formats come whole, as one chunk.
 */
export async function* readSeriesChunks(
  path: string,
  options: ReadSeriesOptions = {},
  rows = CSV_CHUNK_ROWS,
): AsyncGenerator<Series> {
  const csv = csvOptions(path, options);
  if (csv) yield* readCsvChunks(path, csv, rows);
  else yield readSeries(path, options);
}
