// The non-parametric threshold search of Hundman et al. 2018 (section 3.2):
// over epsilon = mean + z * std of one window of smoothed errors, pick the z
// maximising (dMean / mean + dStd / std) / (|E_a| + |E_seq|^2), where dMean and
// dStd are the drops in mean and standard deviation when the values at or
// above epsilon are removed, E_a is the set of points at or above epsilon
// widened by the error buffer and E_seq its contiguous sequences.

export interface EpsilonSearchOptions {
  zMin: number;
  zMax: number;
  zStep: number;
  errorBuffer: number;
  /** Candidates with more sequences than this are skipped (telemanom: 5). */
  maxSequences: number;
  /** Candidates flagging this fraction of the window or more are skipped (telemanom: 0.5). */
  maxAnomalousFraction: number;
  /** Count only sequences of two or more points (telemanom does not count single points). */
  countSinglePoints?: boolean;
}

export interface EpsilonChoice {
  z: number;
  epsilon: number;
  /** The criterion at the chosen z; -Infinity when no z flagged anything (epsilon at zMax). */
  score: number;
}

/** Population mean and standard deviation of `values`. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n) };
}

/**
 * Marks, in a 0/1 array of values.length, every point where `flag(i)` holds
 * and the `buffer` points on either side of it.
 */
export function bufferedMask(
  length: number,
  flag: (i: number) => boolean,
  buffer: number,
): Uint8Array {
  // Difference array: +1 where a widened point starts, -1 past its end.
  const diff = new Int32Array(length + 1);
  for (let i = 0; i < length; i++) {
    if (!flag(i)) continue;
    diff[Math.max(0, i - buffer)]!++;
    diff[Math.min(length, i + buffer + 1)]!--;
  }
  const mask = new Uint8Array(length);
  let open = 0;
  for (let i = 0; i < length; i++) {
    open += diff[i]!;
    mask[i] = open > 0 ? 1 : 0;
  }
  return mask;
}

/** Inclusive [start, end] runs of ones in `mask`, optionally only within [from, to). */
export function maskRuns(mask: Uint8Array, from = 0, to = mask.length): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = from; i < to; i++) {
    if (mask[i] && start < 0) start = i;
    if (!mask[i] && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  }
  if (start >= 0) runs.push([start, to - 1]);
  return runs;
}

/** Number of runs of ones in `mask`; with `singles` false, runs of one point are not counted. */
export function countRuns(mask: Uint8Array, singles = true): number {
  let count = 0;
  for (const [a, b] of maskRuns(mask)) if (singles || b > a) count++;
  return count;
}

/** The z values searched: zMin, zMin + zStep, ... while below zMax (numpy's arange). */
export function zValues(o: Pick<EpsilonSearchOptions, 'zMin' | 'zMax' | 'zStep'>): number[] {
  const zs: number[] = [];
  for (let k = 0; o.zMin + k * o.zStep < o.zMax - 1e-9; k++) zs.push(o.zMin + k * o.zStep);
  return zs;
}

/**
 * Searches epsilon for one window of (possibly inverted) smoothed errors.
 * `mean` and `std` are those of the window's smoothed errors (the inverted
 * errors 2 * mean - e share them). Ties go to the larger z.
 */
export function searchEpsilon(
  values: Float64Array,
  mean: number,
  std: number,
  o: EpsilonSearchOptions,
): EpsilonChoice {
  const n = values.length;
  let best: EpsilonChoice = { z: o.zMax, epsilon: mean + o.zMax * std, score: -Infinity };
  if (!(std > 0) || mean === 0) return best;
  for (const z of zValues(o)) {
    const epsilon = mean + z * std;
    let above = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (values[i]! >= epsilon) above++;
      else sum += values[i]!;
    }
    if (above === 0) continue;
    const kept = n - above;
    const keptMean = sum / kept;
    let sq = 0;
    for (let i = 0; i < n; i++) if (values[i]! < epsilon) sq += (values[i]! - keptMean) ** 2;
    const keptStd = Math.sqrt(sq / kept);
    const mask = bufferedMask(n, (i) => values[i]! >= epsilon, o.errorBuffer);
    let flagged = 0;
    for (let i = 0; i < n; i++) flagged += mask[i]!;
    const sequences = countRuns(mask, o.countSinglePoints ?? true);
    const score =
      ((mean - keptMean) / mean + (std - keptStd) / std) / (flagged + sequences * sequences);
    if (
      score >= best.score &&
      sequences <= o.maxSequences &&
      flagged < n * o.maxAnomalousFraction
    ) {
      best = { z, epsilon, score };
    }
  }
  return best;
}
