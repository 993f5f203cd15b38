// Thresholds given by hand, one per value.
import type { FixedThreshold } from './types.js';

export function fixedThresholds(values: readonly number[]): FixedThreshold[] {
  return values.map((value, i) => {
    if (!Number.isFinite(value)) throw new Error(`fixedThresholds: value ${i} is not finite`);
    return { kind: 'fixed', value };
  });
}
