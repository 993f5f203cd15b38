// Input checks shared by the metrics: fail loudly on mismatched lengths and on
// NaN scores, which would otherwise sort to an arbitrary place and skew results.
import type { Scores } from './types.js';

export function checkSameLength(what: string, a: { length: number }, b: { length: number }): void {
  if (a.length !== b.length) {
    throw new Error(`${what}: scores/predictions have ${a.length} entries but labels ${b.length}`);
  }
}

export function checkNoNaN(what: string, scores: Scores): void {
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`${what}: score ${i} is NaN`);
  }
}
