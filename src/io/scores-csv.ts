// Scores as CSV, the format `normalcy score` writes: step[, timestamp], score[,
// anomalous][, contribution_<channel>...]. Steps that could not be scored are
// empty cells, not 0, so nobody reads a placeholder as a normal score.
import { writeFileAtomic } from './atomic-write.js';

/** What scores.csv may carry beside the scores. */
export interface ScoresCsvExtras {
  /** Epoch ms per step: a timestamp column (ISO-8601). */
  timestamps?: ArrayLike<number>;
  /** [length, names.length] per-channel contributions: one contribution_<name> column each. */
  contributions?: Float32Array;
  names?: readonly string[];
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
  const width = contributions && names ? names.length : 0;
  const header = ['step'];
  if (timestamps) header.push('timestamp');
  header.push('score');
  if (flags) header.push('anomalous');
  // Header names without spaces: 'channel 0' becomes contribution_channel_0.
  for (let c = 0; c < width; c++) header.push(`contribution_${names![c]!.replace(/\s+/g, '_')}`);
  const lines: string[] = [
    header.map((h) => (/[",\n]/.test(h) ? `"${h.replace(/"/g, '""')}"` : h)).join(','),
  ];
  for (let i = 0; i < scores.length; i++) {
    const scored = Number.isFinite(scores[i]);
    const cells: (string | number)[] = [i];
    if (timestamps) {
      const t = timestamps[i]!;
      cells.push(Number.isFinite(t) ? new Date(t).toISOString() : '');
    }
    cells.push(scored ? scores[i]! : '');
    if (flags) cells.push(scored ? flags[i]! : '');
    for (let c = 0; c < width; c++) cells.push(scored ? contributions![i * width + c]! : '');
    lines.push(cells.join(','));
  }
  writeFileAtomic(path, lines.join('\n') + '\n');
}
