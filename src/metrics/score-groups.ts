// The common core of the ranking metrics. Instead of sorting (score, label)
// pairs we split the scores by label into two Float64Arrays and sort each
// (radix sort); walking both from the top then yields, for every distinct score,
// how many positives and negatives share it. Ties are thereby handled exactly,
// and no per-element objects or index permutations are ever made.
import type { Labels, Scores } from './types.js';
import { checkSameLength } from './validate.js';
import { sortFloat64 } from './radix-sort.js';

/** Scores split by label, each sorted ascending. */
export interface SplitScores {
  pos: Float64Array;
  neg: Float64Array;
}

export function splitByLabel(what: string, scores: Scores, labels: Labels): SplitScores {
  checkSameLength(what, scores, labels);
  let p = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) p++;
  const pos = new Float64Array(p);
  const neg = new Float64Array(labels.length - p);
  let a = 0;
  let b = 0;
  for (let i = 0; i < labels.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) throw new Error(`${what}: score ${i} is NaN`);
    if (labels[i] !== 0) pos[a++] = s;
    else neg[b++] = s;
  }
  sortFloat64(pos);
  sortFloat64(neg);
  return { pos, neg };
}

/**
 * Calls `visit(score, positives, negatives)` once per distinct score, from the
 * highest to the lowest; the counts are of samples with exactly that score.
 */
export function forEachScoreGroup(
  split: SplitScores,
  visit: (score: number, positives: number, negatives: number) => void,
): void {
  const { pos, neg } = split;
  let i = pos.length - 1;
  let j = neg.length - 1;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : pos[i] > neg[j] ? pos[i] : neg[j];
    let dp = 0;
    while (i >= 0 && pos[i] === t) {
      dp++;
      i--;
    }
    let dn = 0;
    while (j >= 0 && neg[j] === t) {
      dn++;
      j--;
    }
    visit(t, dp, dn);
  }
}

/** Distinct scores (descending) with the positives and negatives at each. */
export interface ScoreGroups {
  scores: Float64Array;
  positives: Float64Array;
  negatives: Float64Array;
  totalPositives: number;
  totalNegatives: number;
}

export function scoreGroups(what: string, scores: Scores, labels: Labels): ScoreGroups {
  const split = splitByLabel(what, scores, labels);
  const cap = split.pos.length + split.neg.length;
  const s = new Float64Array(cap);
  const p = new Float64Array(cap);
  const q = new Float64Array(cap);
  let g = 0;
  forEachScoreGroup(split, (t, dp, dn) => {
    s[g] = t;
    p[g] = dp;
    q[g] = dn;
    g++;
  });
  return {
    scores: s.slice(0, g),
    positives: p.slice(0, g),
    negatives: q.slice(0, g),
    totalPositives: split.pos.length,
    totalNegatives: split.neg.length,
  };
}

export function requireBothClasses(what: string, positives: number, negatives: number): void {
  if (positives === 0 || negatives === 0) {
    throw new Error(
      `${what} is undefined: the labels hold ${positives} anomalous and ${negatives} normal samples; both classes are needed`,
    );
  }
}
