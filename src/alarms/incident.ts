// The incident: one departure from normal that a person should look at, as the
// alarms layer reports it everywhere (library, CSV, JSON, report, live feeds).
// Plain data, so it serialises as it is: steps are 0-based and `end` is
// inclusive; times are ISO-8601 when the series has timestamps.

/** A channel's share of an incident's summed per-channel contributions. */
export interface ChannelShare {
  name: string;
  /** In [0, 1]; the shares of one incident sum to 1 (when contributions were given). */
  share: number;
}

export interface Incident {
  /** First and last step, inclusive, 0-based. */
  start: number;
  end: number;
  startTime?: string;
  endTime?: string;
  /** Highest score inside the incident and the step where it occurred. */
  peak: number;
  peakStep: number;
  /**
   * How far the peak goes beyond the threshold, in units of the threshold's
   * margin over typical normal scores: 0 at the threshold, 1 when the peak is as
   * far above the threshold as the threshold is above the median normal score.
   */
  severity: number;
  /** Chance that a held-out normal step scores at least the peak (conformal). */
  pValue?: number;
  /** Culprit channels, largest share first (empty without contributions). */
  channels: ChannelShare[];
}

/** Steps covered by an incident (end inclusive). */
export function incidentLength(incident: Incident): number {
  return incident.end - incident.start + 1;
}

/** Duration in milliseconds when both times are known. */
export function incidentDurationMs(incident: Incident): number | undefined {
  if (incident.startTime === undefined || incident.endTime === undefined) return undefined;
  return Date.parse(incident.endTime) - Date.parse(incident.startTime);
}

/** Incidents sorted by severity, most severe first (ties: earlier first). */
export function bySeverity(incidents: readonly Incident[]): Incident[] {
  return [...incidents].sort((a, b) => b.severity - a.severity || a.start - b.start);
}

/** The ISO-8601 time of a step, when timestamps (epoch ms) are known. */
export function isoTime(
  timestamps: ArrayLike<number> | undefined,
  step: number,
): string | undefined {
  if (timestamps === undefined) return undefined;
  const t = timestamps[step];
  return t === undefined || !Number.isFinite(t) ? undefined : new Date(t).toISOString();
}
