// The raw NAB score of each file at a fixed threshold (flag scores >= it),
// for reports and for checking against NAB's per-file score tables.
import type { NabCostMatrix } from './profiles.js';
import { nabRowScores } from './row-scores.js';
import { firstScoredRow, type NabFile } from './score-curve.js';

export interface NabFileScore {
  name: string;
  score: number;
  /** Windows with a flagged row. */
  detected: number;
  /** Windows with no flagged row (of those reaching past the probationary period). */
  missed: number;
  /** Flagged rows outside every window. */
  falsePositives: number;
}

export function nabFileScores(
  files: readonly NabFile[],
  cost: NabCostMatrix,
  threshold: number,
  probationPercent = 0.15,
): NabFileScore[] {
  return files.map((f) => {
    const rows = nabRowScores(f.scores.length, f.windows, cost);
    // NaN: window not reached (inside the probationary period); -Infinity: missed.
    const best = new Float64Array(f.windows.length).fill(NaN);
    let score = 0;
    let falsePositives = 0;
    for (let i = firstScoredRow(f.scores.length, probationPercent); i < f.scores.length; i++) {
      const w = rows.window[i];
      if (w >= 0 && Number.isNaN(best[w])) best[w] = -Infinity;
      if (!(f.scores[i] >= threshold)) continue;
      if (w < 0) {
        score += rows.reward[i];
        falsePositives++;
      } else if (rows.reward[i] > best[w]) best[w] = rows.reward[i];
    }
    let detected = 0;
    let missed = 0;
    for (const b of best) {
      if (b === -Infinity) {
        missed++;
        score -= cost.fnWeight;
      } else if (!Number.isNaN(b)) {
        detected++;
        score += b;
      }
    }
    return { name: f.name, score, detected, missed, falsePositives };
  });
}
