// The normalised NAB score of a detector over a corpus, per application
// profile: choose the threshold on the whole corpus (see threshold-search.ts),
// then normalise the raw total so that the null detector (flagging nothing,
// so missing every window) scores 0 and a perfect one (flagging exactly each window's first row, worth
// tpWeight per window) scores 100.
import { NAB_PROFILES, type NabCostMatrix } from './profiles.js';
import { nabScoreCurve, type NabFile } from './score-curve.js';
import { chooseNabThreshold, type NabThresholdSearch } from './threshold-search.js';
import { nabFileScores, type NabFileScore } from './file-scores.js';

export interface NabOptions {
  /** Fraction of each file that is probationary (default 0.15). */
  probationPercent?: number;
  /** How to choose the threshold (default 'hill-climb', NAB's published procedure). */
  thresholdSearch?: NabThresholdSearch;
}

export interface NabProfileScore {
  /** Normalised score: 0 for the null detector, 100 for a perfect one. */
  score: number;
  raw: number;
  /** Flag scores >= threshold; Infinity if nothing is flagged. */
  threshold: number;
  nullRaw: number;
  perfectRaw: number;
  files: NabFileScore[];
}

export function nabScore(
  files: readonly NabFile[],
  profiles: Readonly<Record<string, NabCostMatrix>> = NAB_PROFILES,
  options: NabOptions = {},
): Record<string, NabProfileScore> {
  if (files.length === 0) throw new Error('nabScore: no files');
  let windows = 0;
  for (const f of files) windows += f.windows.length;
  if (windows === 0) throw new Error('nabScore: no labelled windows in any file');
  const probation = options.probationPercent ?? 0.15;
  const search = options.thresholdSearch ?? 'hill-climb';
  const out: Record<string, NabProfileScore> = {};
  for (const [name, cost] of Object.entries(profiles)) {
    const curve = nabScoreCurve(files, cost, probation);
    const choice = chooseNabThreshold(curve, search);
    const nullRaw = curve.noneTotal;
    const perfectRaw = windows * cost.tpWeight;
    out[name] = {
      score: (100 * (choice.total - nullRaw)) / (perfectRaw - nullRaw),
      raw: choice.total,
      threshold: choice.threshold,
      nullRaw,
      perfectRaw,
      files: nabFileScores(files, cost, choice.threshold, probation),
    };
  }
  return out;
}
