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
