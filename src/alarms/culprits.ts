// Culprit channels of an incident: the per-channel contributions (from a
// detector's explain()) summed over the incident's steps, ranked, as shares.
import type { ChannelShare } from './incident.js';

/** Channel names, or "channel i" when the data had none. */
export function channelNamesOr(names: readonly string[] | undefined, channels: number): string[] {
  if (names && names.length === channels) return [...names];
  return Array.from({ length: channels }, (_, i) => `channel ${i}`);
}

/** Shares of summed contributions, largest first; negative sums count as 0. */
export function rankChannels(sums: ArrayLike<number>, names: readonly string[]): ChannelShare[] {
  let total = 0;
  for (let c = 0; c < sums.length; c++) total += Math.max(0, sums[c]!);
  const out: ChannelShare[] = [];
  for (let c = 0; c < sums.length; c++) {
    const v = Math.max(0, sums[c]!);
    out.push({ name: names[c] ?? `channel ${c}`, share: total > 0 ? v / total : 0 });
  }
  return out.sort((a, b) => b.share - a.share);
}

/** Contributions [length, channels] summed over steps start..end (inclusive); NaN skipped. */
export function sumContributions(
  contributions: Float32Array,
  channels: number,
  start: number,
  end: number,
): Float64Array {
  const sums = new Float64Array(channels);
  for (let t = start; t <= end; t++) {
    for (let c = 0; c < channels; c++) {
      const v = contributions[t * channels + c]!;
      if (Number.isFinite(v)) sums[c] += v;
    }
  }
  return sums;
}
