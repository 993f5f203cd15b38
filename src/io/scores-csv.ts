// Scores as CSV, the format `normalcy score` writes: step[, timestamp], score[,
// anomalous][, contribution_<channel>...]. Steps that could not be scored are
// empty cells, not 0, so nobody reads a placeholder as a normal score.
import { writeAtomicBy } from './atomic-write.js';

/** What scores.csv may carry beside the scores. */
export interface ScoresCsvExtras {
  /** Epoch ms per step: a timestamp column (ISO-8601). */
  timestamps?: ArrayLike<number>;
  /** [length, names.length] per-channel contributions: one contribution_<name> column each. */
  contributions?: Float32Array;
  names?: readonly string[];
}

/**
 * Writes scores as CSV atomically: step[, timestamp], score[, anomalous][, contribution_*],
 * in blocks of rows, so memory does not grow with the number of scores (5M rows whole
 * took 1.4 GB). A step that could not be scored (NaN) has empty cells, not 0.
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
  const headerLine = header
    .map((h) => (/[",\n]/.test(h) ? `"${h.replace(/"/g, '""')}"` : h))
    .join(',');
  const block = 65_536;
  writeAtomicBy(path, (out) => {
    out.write(headerLine + '\n');
    for (let start = 0; start < scores.length; start += block) {
      let text = '';
      const end = Math.min(start + block, scores.length);
      for (let i = start; i < end; i++) {
        const scored = Number.isFinite(scores[i]);
        let line = String(i);
        if (timestamps) {
          const t = timestamps[i]!;
          line += ',' + (Number.isFinite(t) ? new Date(t).toISOString() : '');
        }
        line += ',' + (scored ? String(scores[i]) : '');
        if (flags) line += ',' + (scored ? String(flags[i]) : '');
        for (let c = 0; c < width; c++)
          line += ',' + (scored ? String(contributions![i * width + c]) : '');
        text += line + '\n';
      }
      out.write(text);
    }
  });
}
