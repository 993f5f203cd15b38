// Score smoothing: a trailing moving average or an exponentially weighted one.
// Both only look back, so a smoothed score never uses the future.

export type SmoothingKind = 'none' | 'moving-average' | 'ewma';

export interface SmoothingConfig {
  kind: SmoothingKind;
  /** Moving average: the number of steps; EWMA: the span (alpha = 2 / (span + 1)). */
  span: number;
}

/** True when smoothing leaves scores as they are (each step then stands on its own). */
export function unsmoothed(c: SmoothingConfig): boolean {
  return c.kind === 'none' || c.span <= 1;
}

export function smooth(values: Float32Array, c: SmoothingConfig): Float32Array {
  if (unsmoothed(c)) return values.slice();
  const out = new Float32Array(values.length);
  if (c.kind === 'moving-average') {
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      sum += values[i]!;
      if (i >= c.span) sum -= values[i - c.span]!;
      out[i] = sum / Math.min(i + 1, c.span);
    }
    return out;
  }
  const alpha = 2 / (c.span + 1);
  let s = values[0] ?? 0;
  for (let i = 0; i < values.length; i++) {
    s = i === 0 ? values[0]! : alpha * values[i]! + (1 - alpha) * s;
    out[i] = s;
  }
  return out;
}
