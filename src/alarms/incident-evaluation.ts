// Incidents against labels, when labels exist: an incident is true when it
// overlaps a labelled anomaly, false otherwise; a labelled range is found when
// some incident overlaps it. Precision and recall count incidents and ranges,
// the units people act on, not steps.
import { maskToRanges } from '../metrics/ranges.js';
import type { Incident } from './incident.js';

export interface IncidentEvaluation {
  /** Per incident, in the order given: overlaps a labelled anomaly. */
  verdicts: boolean[];
  truePositives: number;
  falsePositives: number;
  labelledRanges: number;
  foundRanges: number;
  /** TP / incidents (1 when there are no incidents). */
  precision: number;
  /** Found ranges / labelled ranges (1 when nothing is labelled). */
  recall: number;
}

export function evaluateIncidents(
  incidents: readonly Incident[],
  labels: Uint8Array,
): IncidentEvaluation {
  const ranges = maskToRanges(labels);
  const verdicts = incidents.map((i) => {
    for (let t = Math.max(0, i.start); t <= Math.min(i.end, labels.length - 1); t++)
      if (labels[t]) return true;
    return false;
  });
  const found = ranges.filter((r) => incidents.some((i) => i.start <= r.end && i.end >= r.start));
  const tp = verdicts.filter(Boolean).length;
  return {
    verdicts,
    truePositives: tp,
    falsePositives: incidents.length - tp,
    labelledRanges: ranges.length,
    foundRanges: found.length,
    precision: incidents.length === 0 ? 1 : tp / incidents.length,
    recall: ranges.length === 0 ? 1 : found.length / ranges.length,
  };
}
