// Incidents of a series under a fitted detector: scores (unscoreable first
// steps as NaN), per-channel contributions from explain(), then findIncidents
// with the channel names and timestamps of the series. The one path from a
// model to incidents, for the CLI, the report, the demo and the workflows.
import type { Series } from '../data/series.js';
import type { Detector } from '../detectors/detector.js';
import { firstScoredStep, markUnscored } from '../detectors/scored-steps.js';
import { channelNamesOr } from './culprits.js';
import { findIncidents, type FindIncidentsOptions } from './detect-incidents.js';
import type { IncidentDetection } from './detect-incidents.js';
import type { FirstRunSettings } from './first-run.js';

export interface DetectorIncidents extends IncidentDetection {
  /** One per step; NaN where the detector could not score yet. */
  scores: Float32Array;
  /** [length, contributionNames.length], from explain(). */
  contributions: Float32Array;
  contributionNames: string[];
  settings: FirstRunSettings;
}

/** Names of explain()'s columns: every channel, or the forecast targets. */
export function contributionNames(detector: Detector, series: Series, width: number): string[] {
  const names = channelNamesOr(series.names, series.channels);
  if (width === names.length) return names;
  const targets = (detector.config as { targets?: number[] }).targets;
  if (targets && targets.length === width) return targets.map((i) => names[i] ?? `channel ${i}`);
  return channelNamesOr(undefined, width);
}

export function detectorIncidents(
  detector: Detector,
  series: Series,
  options: Omit<FindIncidentsOptions, 'contributions' | 'channelNames' | 'timestamps'>,
): DetectorIncidents {
  const scores = markUnscored(detector, detector.score(series));
  const contributions = detector.explain(series);
  const width = series.length > 0 ? contributions.length / series.length : 0;
  const names = contributionNames(detector, series, width);
  // A fault keeps moving the score while it is inside the model's window: gaps up to
  // a window long are one incident.
  const found = findIncidents(scores, {
    mergeGapAtLeast: firstScoredStep(detector),
    ...options,
    contributions,
    channelNames: names,
    ...(series.timestamps ? { timestamps: series.timestamps } : {}),
  });
  return { ...found, scores, contributions, contributionNames: names };
}
