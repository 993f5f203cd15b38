// Steps a detector cannot score yet (the first window of a forecaster) carry a
// placeholder score of 0. They are no evidence of normal behaviour: they are
// left out of held-out normal scores and written as empty cells, not as 0.
import type { Detector } from './detector.js';

/** First step with a real score (0 when the detector scores every step). */
export function firstScoredStep(detector: Detector): number {
  return detector.firstScoredStep?.() ?? 0;
}

/** The scores from the first scored step on (a copy when steps are dropped). */
export function scoredPart(detector: Detector, scores: Float32Array): Float32Array {
  const first = Math.min(firstScoredStep(detector), scores.length);
  return first === 0 ? scores : scores.slice(first);
}

/**
 * Scores with the unscoreable leading steps set to NaN (never flagged, written empty).
 * `start`: the step of scores[0] in the whole series, for scores of a later chunk.
 */
export function markUnscored(detector: Detector, scores: Float32Array, start = 0): Float32Array {
  const first = Math.min(Math.max(0, firstScoredStep(detector) - start), scores.length);
  if (first === 0) return scores;
  const out = scores.slice();
  out.fill(NaN, 0, first);
  return out;
}
