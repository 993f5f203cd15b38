// Applying a saved threshold: score > value is anomalous (1), else normal (0).
import type { Scores } from '../metrics/types.js';
import type { Threshold } from './types.js';

export function applyThreshold(scores: Scores, threshold: Threshold | number): Uint8Array {
  const value = typeof threshold === 'number' ? threshold : threshold.value;
  if (Number.isNaN(value)) throw new Error('applyThreshold: threshold value is NaN');
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) throw new Error(`applyThreshold: score ${i} is NaN`);
    out[i] = s > value ? 1 : 0;
  }
  return out;
}
