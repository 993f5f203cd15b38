// Telemanom-style pruning of minor incidents (Hundman et al. 2018, 3.3): rank
// the incidents by peak, append the largest score outside any incident, and
// keep only those down to the last relative drop of at least `p` between
// consecutive peaks. Batch only: it compares incidents with each other.
import { pruneSequences } from '../thresholds/prune-anomalies.js';
import type { Incident } from './incident.js';

/** The incidents that survive pruning, in their original order. */
export function pruneIncidents(
  incidents: readonly Incident[],
  scores: ArrayLike<number>,
  p: number,
): Incident[] {
  if (!(p >= 0 && p < 1)) throw new RangeError(`pruning: p must be in [0, 1), got ${p}`);
  if (incidents.length === 0) return [];
  const inside = new Uint8Array(scores.length);
  for (const i of incidents) inside.fill(1, i.start, i.end + 1);
  let outsideMax = 0;
  for (let t = 0; t < scores.length; t++) {
    const s = scores[t]!;
    if (!inside[t] && Number.isFinite(s) && s > outsideMax) outsideMax = s;
  }
  const keep = pruneSequences(
    incidents.map((i) => i.peak),
    outsideMax,
    p,
  );
  return incidents.filter((_, k) => keep[k]);
}
