// A seeded noisy sine like the demo's data set (period 400 steps, amplitude 0.5,
// Gaussian noise of standard deviation 0.05), generated so that the demo needs no files:
// the same seed always gives the same series.
import { createRng } from './random.js';
import { createSeries, type Series } from './series.js';

export interface SineOptions {
  length: number;
  period?: number;
  amplitude?: number;
  noise?: number;
  /** From this step on the amplitude is `anomalyAmplitude` (the anomaly); default: never. */
  anomalyFrom?: number;
  anomalyAmplitude?: number;
  seed?: number;
}

export function generateSine(o: SineOptions): Series {
  const { period = 400, amplitude = 0.5, noise = 0.05, seed = 0 } = o;
  const from = o.anomalyFrom ?? o.length;
  const anomalyAmplitude = o.anomalyAmplitude ?? 2 * amplitude;
  const rng = createRng(seed);
  const data = new Float32Array(o.length);
  for (let t = 0; t < o.length; t++) {
    // Box-Muller: a standard normal draw from two uniform ones.
    const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const a = t < from ? amplitude : anomalyAmplitude;
    data[t] = a * Math.sin((2 * Math.PI * t) / period) + noise * g;
  }
  return createSeries({ data, channels: 1 });
}
