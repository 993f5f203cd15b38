// Synthetic anomalies injected into normal data, so that detectors can be compared
// without any real label: each kind changes one stretch of one channel (or, for a
// broken correlation, replaces one channel's stretch by its own values from elsewhere,
// so each channel alone still looks normal).
import { createSeries, type Series } from './series.js';
import type { Rng } from './random.js';

export type AnomalyKind =
  | 'spike'
  | 'level-shift'
  | 'trend'
  | 'noise-burst'
  | 'flat'
  | 'time-warp'
  | 'shape'
  | 'amplitude'
  | 'broken-correlation';

export const UNIVARIATE_KINDS: readonly AnomalyKind[] = [
  'spike',
  'level-shift',
  'trend',
  'noise-burst',
  'flat',
  'time-warp',
  'shape',
  'amplitude',
];

export interface Injection {
  kind: AnomalyKind;
  channel: number;
  /** Inclusive step range. */
  start: number;
  end: number;
}

function channelStd(x: Series, c: number): number {
  let m = 0;
  for (let t = 0; t < x.length; t++) m += x.data[t * x.channels + c]!;
  m /= x.length;
  let v = 0;
  for (let t = 0; t < x.length; t++) v += (x.data[t * x.channels + c]! - m) ** 2;
  const s = Math.sqrt(v / x.length);
  return s > 0 ? s : 1;
}

function gaussian(rng: Rng): number {
  const u = Math.max(1e-12, rng.next());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Changes data in place over [start, end] of channel c. */
function apply(
  data: Float32Array,
  x: Series,
  kind: AnomalyKind,
  c: number,
  start: number,
  end: number,
  rng: Rng,
): void {
  const ch = x.channels;
  const len = end - start + 1;
  const sd = channelStd(x, c);
  const at = (t: number) => x.data[t * ch + c]!;
  const sign = rng.next() < 0.5 ? -1 : 1;
  let mean = 0;
  for (let t = start; t <= end; t++) mean += at(t);
  mean /= len;
  for (let k = 0; k < len; k++) {
    const t = start + k;
    let v = at(t);
    switch (kind) {
      case 'spike':
        if (k === 0) v += sign * (4 + 4 * rng.next()) * sd;
        break;
      case 'level-shift':
        v += sign * (1.5 + 1.5 * rng.next()) * sd;
        break;
      case 'trend':
        v += (sign * 3 * sd * k) / Math.max(1, len - 1);
        break;
      case 'noise-burst':
        v += gaussian(rng) * sd;
        break;
      case 'flat':
        v = at(start);
        break;
      case 'time-warp': {
        // The stretch replayed at another speed (read from the stretch and after it).
        const speed = sign > 0 ? 1.7 : 0.6;
        const pos = Math.min(x.length - 1, start + k * speed);
        const lo = Math.floor(pos);
        const hi = Math.min(x.length - 1, lo + 1);
        v = at(lo) + (pos - lo) * (at(hi) - at(lo));
        break;
      }
      case 'shape':
        // Mirrored in time: same values and range, another shape.
        v = at(end - k);
        break;
      case 'amplitude':
        v = mean + (v - mean) * (sign > 0 ? 2.5 : 0.3);
        break;
      case 'broken-correlation': {
        // This channel's own values from half a series away.
        const from = (t + Math.floor(x.length / 2)) % x.length;
        v = at(from);
        break;
      }
    }
    data[t * ch + c] = v;
  }
}

/**
 * A copy of x with `count` anomalies of one kind at random, non-overlapping places
 * (lengths between minLength and maxLength; a spike is one step), and the labels.
 */
export function injectAnomalies(
  x: Series,
  kind: AnomalyKind,
  options: { count: number; minLength: number; maxLength: number; rng: Rng },
): { series: Series; labels: Uint8Array; injections: Injection[] } {
  const { count, rng } = options;
  const data = x.data.slice();
  const labels = new Uint8Array(x.length);
  const injections: Injection[] = [];
  const maxLength = Math.max(1, Math.min(options.maxLength, Math.floor(x.length / (3 * count))));
  const minLength = Math.max(1, Math.min(options.minLength, maxLength));
  // One slot per anomaly, each placed inside its own share of the series, after a margin.
  const margin = Math.min(Math.floor(x.length / 4), maxLength * 2);
  const share = Math.floor((x.length - margin) / count);
  for (let a = 0; a < count; a++) {
    const len = kind === 'spike' ? 1 : minLength + rng.nextInt(maxLength - minLength + 1);
    const room = Math.max(1, share - len);
    const start = margin + a * share + rng.nextInt(room);
    const end = Math.min(x.length - 1, start + len - 1);
    const channel = rng.nextInt(x.channels);
    apply(data, x, kind, channel, start, end, rng);
    labels.fill(1, start, end + 1);
    injections.push({ kind, channel, start, end });
  }
  return {
    series: createSeries({ data, channels: x.channels, length: x.length }),
    labels,
    injections,
  };
}
