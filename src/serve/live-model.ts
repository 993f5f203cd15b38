// A saved model opened for live use (`normalcy watch`, `normalcy serve`): the detector, its
// threshold and held-out normal scores from the model directory, and live scorers whose
// flags and incidents follow the same rules as batch detection (the alarms layer's
// IncidentTracker with the first-run settings of the saved threshold).
import { loadModel } from '../detectors/registry.js';
import type { Manifest } from '../detectors/model-dir.js';
import type { Detector } from '../detectors/detector.js';
import type { StreamScorer, StreamState } from '../detectors/stream-scorer.js';
import { IncidentTracker } from '../alarms/incident-tracker.js';
import { firstRunSettings } from '../alarms/first-run.js';
import type { Incident } from '../alarms/incident.js';
import { detectIncidents } from '../alarms/detect-incidents.js';
import { createSeries } from '../data/series.js';

export interface LiveModel {
  name: string;
  dir: string;
  detector: Detector;
  manifest: Manifest;
  /** The saved threshold's value; without one nothing is flagged. */
  threshold?: number;
  /** A scorer for one live series, optionally continuing from a saved state. */
  openStream(state?: StreamState): StreamScorer<Incident>;
  /** Batch scoring of rows [length, channels], with flags and incidents (times: epoch ms). */
  scoreBatch(data: Float32Array, timestamps?: Float64Array): BatchResult;
}

export interface BatchResult {
  scores: Float32Array;
  flagged?: boolean[];
  incidents?: Incident[];
}

export function loadLiveModel(dir: string, name = 'default'): LiveModel {
  // One read of one model version: threshold, weights and normal scores belong together.
  const { manifest, detector, normalScores } = loadModel(dir);
  const saved = manifest.threshold;
  const value = saved?.value;
  const threshold = typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  const targetRate = typeof saved?.targetFpr === 'number' ? saved.targetFpr : undefined;
  const rules =
    threshold !== undefined && targetRate !== undefined
      ? firstRunSettings({ threshold, targetRate, normalScores }).rules
      : undefined;
  return {
    name,
    dir,
    detector,
    manifest,
    threshold,
    scoreBatch(data, timestamps) {
      const scores = detector.score(createSeries({ data, channels: detector.channels }));
      if (threshold === undefined) return { scores };
      const { incidents } = detectIncidents(scores, {
        threshold,
        drift: false,
        ...(normalScores ? { normalScores } : {}),
        ...(rules ? { rules } : {}),
        ...(timestamps ? { timestamps } : {}),
      });
      return { scores, flagged: Array.from(scores, (s) => s > threshold), incidents };
    },
    openStream(state) {
      const tracker =
        threshold === undefined
          ? undefined
          : new IncidentTracker({
              threshold,
              ...(normalScores ? { normalScores } : {}),
              ...(rules ? { rules } : {}),
            });
      return detector.stream<Incident>({
        ...(threshold !== undefined ? { threshold } : {}),
        ...(tracker ? { tracker } : {}),
        ...(state ? { state } : {}),
      });
    },
  };
}
