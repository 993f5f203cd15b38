// Scores as CSV, the format `normalcy score` writes: step[, timestamp], score[,
// anomalous][, contribution_<channel>...]. Steps that could not be scored are
// empty cells, not 0, so nobody reads a placeholder as a normal score.
import { openAtomic, type AtomicFile } from './atomic-write.js';

/** What scores.csv may carry beside the scores. */
export interface ScoresCsvExtras {
  /** Epoch ms per step: a timestamp column (ISO-8601). */
  timestamps?: ArrayLike<number>;
  /** [length, names.length] per-channel contributions: one contribution_<name> column each. */
  contributions?: Float32Array;
  names?: readonly string[];
}

/** The columns of a scores CSV, fixed when it is opened. */
export interface ScoresCsvColumns {
  timestamps: boolean;
  flags: boolean;
  /** One contribution_<name> column each. */
  contributions?: readonly string[];
}

/** Rows per block of text handed to the file. */
const BLOCK = 65_536;

/**
 * A scores CSV written in consecutive runs of steps, in blocks of rows, so memory does not
 * grow with the number of scores (5M rows whole took 1.4 GB). It appears at its path,
 * whole, on commit(); abort() after a failure leaves nothing behind.
 */
export class ScoresCsvWriter {
  private readonly file: AtomicFile;

  constructor(
    path: string,
    private readonly columns: ScoresCsvColumns,
  ) {
    const header = ['step'];
    if (columns.timestamps) header.push('timestamp');
    header.push('score');
    if (columns.flags) header.push('anomalous');
    // Header names without spaces: 'channel 0' becomes contribution_channel_0.
    for (const name of columns.contributions ?? [])
      header.push(`contribution_${name.replace(/\s+/g, '_')}`);
    this.file = openAtomic(path);
    this.file.write(
      header.map((h) => (/[",\n]/.test(h) ? `"${h.replace(/"/g, '""')}"` : h)).join(',') + '\n',
    );
  }

  /**
   * Rows for steps start .. start + scores.length - 1; `timestamps` and `contributions`
   * (row-major, one value per contribution column) are those of the same steps.
   * A step that could not be scored (NaN) has empty cells.
   */
  write(
    start: number,
    scores: Float32Array,
    flags?: Uint8Array,
    extras: Pick<ScoresCsvExtras, 'timestamps' | 'contributions'> = {},
  ): void {
    const timestamps = this.columns.timestamps ? extras.timestamps : undefined;
    const contributions = extras.contributions;
    const width = this.columns.contributions?.length ?? 0;
    const withFlags = this.columns.flags && flags !== undefined;
    for (let from = 0; from < scores.length; from += BLOCK) {
      let text = '';
      const end = Math.min(from + BLOCK, scores.length);
      for (let i = from; i < end; i++) {
        const scored = Number.isFinite(scores[i]);
        let line = String(start + i);
        if (timestamps) {
          const t = timestamps[i]!;
          line += ',' + (Number.isFinite(t) ? new Date(t).toISOString() : '');
        }
        line += ',' + (scored ? String(scores[i]) : '');
        if (withFlags) line += ',' + (scored ? String(flags[i]) : '');
        for (let c = 0; c < width; c++)
          line += ',' + (scored ? String(contributions![i * width + c]) : '');
        text += line + '\n';
      }
      this.file.write(text);
    }
  }

  commit(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }
}

/**
 * Writes scores as CSV atomically: step[, timestamp], score[, anomalous][, contribution_*].
 * A step that could not be scored (NaN) has empty cells, not 0.
 */
export function writeScoresCsv(
  path: string,
  scores: Float32Array,
  flags?: Uint8Array,
  extras: ScoresCsvExtras = {},
): void {
  const { timestamps, contributions, names } = extras;
  const writer = new ScoresCsvWriter(path, {
    timestamps: timestamps !== undefined,
    flags: flags !== undefined,
    ...(contributions && names ? { contributions: names } : {}),
  });
  try {
    writer.write(0, scores, flags, {
      ...(timestamps && { timestamps }),
      ...(contributions && { contributions }),
    });
    writer.commit();
  } catch (err) {
    writer.abort();
    throw err;
  }
}
