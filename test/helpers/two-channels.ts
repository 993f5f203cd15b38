// A two-channel test series the window-detector tests share.
import { createRng } from '../../src/data/random.js';
import { seriesFromColumns, type Series } from '../../src/data/series.js';

/** Two noisy sines (periods 20 and 30); `bump` adds 5 to channel 1 over [from, to). */
export function twoChannels(length: number, seed: number, bump?: [number, number]): Series {
  const rng = createRng(seed);
  const a = new Float32Array(length);
  const b = new Float32Array(length);
  for (let t = 0; t < length; t++) {
    a[t] = Math.sin((2 * Math.PI * t) / 20) + 0.05 * (rng.next() - 0.5);
    b[t] = Math.cos((2 * Math.PI * t) / 30) + 0.05 * (rng.next() - 0.5);
    if (bump && t >= bump[0] && t < bump[1]) b[t]! += 5;
  }
  return seriesFromColumns([a, b]);
}
