// Checks on series given to detectors, with messages that say what is wrong.
import type { Series } from '../data/series.js';
import { firstNonFinite } from '../data/series.js';

export function checkSeries(
  x: Series,
  what: string,
  opts: { channels?: number; minLength?: number } = {},
): void {
  if (x.length === 0) throw new Error(`${what}: the series is empty`);
  if (opts.channels !== undefined && x.channels !== opts.channels) {
    throw new Error(
      `${what}: expected ${opts.channels} channel(s), got ${x.channels} (channel mismatch with the training data)`,
    );
  }
  if (opts.minLength !== undefined && x.length < opts.minLength) {
    throw new Error(
      `${what}: the series has ${x.length} steps, at least ${opts.minLength} are needed`,
    );
  }
  const bad = firstNonFinite(x.data);
  if (bad >= 0) {
    const t = Math.floor(bad / x.channels);
    const c = bad % x.channels;
    throw new Error(
      `${what}: value at step ${t}, channel ${c} is ${x.data[bad]} (NaN or infinite values are not allowed)`,
    );
  }
}

/** A failure of the model itself (not of its input): callers name the model. */
export class ModelFault extends Error {
  override name = 'ModelFault';
}

/**
 * Refuses scores that are NaN or infinite where they appear, with the likely cause:
 * input so large that float32 arithmetic overflowed (naming the column and its
 * largest value), else a model producing non-finite values.
 */
export function checkScores(scores: Float32Array, x: Series, what: string): Float32Array {
  const bad = firstNonFinite(scores);
  if (bad < 0) return scores;
  let peak = 0;
  let column = 0;
  for (let i = 0; i < x.data.length; i++) {
    const v = Math.abs(x.data[i]!);
    if (v > peak) {
      peak = v;
      column = i % x.channels;
    }
  }
  const name = x.names?.[column] ?? String(column);
  if (peak > 1e15)
    throw new Error(
      `${what}: scores overflow float32 (step ${bad} is ${scores[bad]}): values up to ${peak.toPrecision(3)} in column ${name}; rescale the data (or use a scaler)`,
    );
  throw new ModelFault(
    `${what}: the score at step ${bad} is ${scores[bad]} for finite input; the model produces non-finite values (retrain it)`,
  );
}
