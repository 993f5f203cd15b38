// One error type for every reader, so callers can catch data problems apart
// from programming errors and always learn which file (and where in it) is at fault.

/** Where in a file a problem was found: a 1-based line, or a key (JSON key, npz entry, column). */
export interface DataErrorLocation {
  line?: number;
  key?: string;
  cause?: unknown;
}

/**
 * A file could not be read as the data it was supposed to hold.
 * The message always starts with the file path, e.g.
 * `sine/normal.csv line 3: expected 4 cells, found 3`.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  /** The file (or directory) at fault, as the caller named it. */
  readonly path: string;
  /** 1-based line number for text formats. */
  readonly line: number | undefined;
  /** Key, entry or column name for keyed formats. */
  readonly key: string | undefined;
  /** The problem alone, without the location prefix. */
  readonly problem: string;

  constructor(path: string, problem: string, where: DataErrorLocation = {}) {
    let prefix = path;
    if (where.line !== undefined) prefix += ` line ${where.line}`;
    if (where.key !== undefined) prefix += ` key '${where.key}'`;
    super(`${prefix}: ${problem}`, where.cause === undefined ? undefined : { cause: where.cause });
    this.path = path;
    this.line = where.line;
    this.key = where.key;
    this.problem = problem;
  }
}

/** The message of an unknown thrown value, for wrapping library errors. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
