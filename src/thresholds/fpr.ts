// A threshold at a target false-positive rate, from held-out normal scores.
// With n sorted normal scores v(1) <= ... <= v(n) and m = floor(target * n),
// value = v(n - m) flags at most the m scores above it (fewer when scores tie
// with it), so the realised rate on these scores never exceeds the target.
// A target below 1/n is refused: n normal scores cannot show such a rate to
// be met (m would be 0, a promise the data cannot back).
import type { Scores } from '../metrics/types.js';
import { countAtMost, sortedAscending } from '../metrics/sorted.js';
import type { FprThreshold } from './types.js';

export function thresholdAtFpr(normalScores: Scores, targetFpr: number): FprThreshold {
  const n = normalScores.length;
  if (n === 0) throw new Error('thresholdAtFpr: no normal scores');
  if (!(targetFpr >= 0 && targetFpr <= 1)) {
    throw new Error(
      `thresholdAtFpr: target false-positive rate must be in [0, 1], got ${targetFpr}`,
    );
  }
  // The small slack absorbs rounding in target * n (e.g. 0.29 * 100 = 28.999...).
  const m = Math.floor(targetFpr * n + 1e-9);
  if (m < 1) {
    throw new Error(
      `thresholdAtFpr: target false-positive rate ${targetFpr} is below 1/${n}; ` +
        `with ${n} normal scores the smallest reachable rate is ${1 / n}`,
    );
  }
  const sorted = sortedAscending(normalScores, 'thresholdAtFpr');
  // m = n allows flagging every normal score: the lowest finite value does that.
  const value = m >= n ? -Number.MAX_VALUE : sorted[n - m - 1];
  const realisedFpr = (n - countAtMost(sorted, value)) / n;
  return { kind: 'fpr', value, targetFpr, realisedFpr, normalCount: n };
}
