// `normalize`: scores divided by the standard deviation of the scores of
// normal data, so that thresholds read in "standard deviations of normal".

/** 1 / (population std of scores[from..]), or 1 when they do not vary. */
export function unitStdScale(scores: ArrayLike<number>, from = 0): number {
  let sum = 0;
  let sq = 0;
  const n = scores.length - from;
  for (let i = from; i < scores.length; i++) {
    sum += scores[i]!;
    sq += scores[i]! * scores[i]!;
  }
  const std = n > 0 ? Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2)) : 0;
  return std > 0 ? 1 / std : 1;
}
