// What score, detect, explain and report share: load a saved model, read the
// data with --columns/--time-column matched to the channels training saw, take
// the threshold (the model's, or at --fpr on its held-out normal scores), and
// turn scores into incidents with the alarms layer.
import type { Series } from '../data/series.js';
import type { Detector } from '../detectors/detector.js';
import type { Manifest } from '../detectors/model-dir.js';
import { loadModel } from '../detectors/registry.js';
import { detectorIncidents, type DetectorIncidents } from '../alarms/detector-incidents.js';
import type { EventRules } from '../alarms/event-rules.js';
import { impliedRate } from '../thresholds/target-rate.js';
import type { Threshold } from '../thresholds/types.js';
import { modelThreshold, progress } from './common.js';
import { readDataFile, type DataFlags } from './data-flags.js';

export interface ModelRunFlags extends DataFlags {
  model: string;
  data: string;
  fpr?: number;
}

/** A loaded model with the threshold to apply: one read of one version. */
export interface OpenedModel {
  /** The model directory, as given. */
  dir: string;
  manifest: Manifest;
  detector: Detector;
  threshold: Threshold;
  normalScores?: Float32Array;
  targetRate: number;
}

export interface ModelRun extends OpenedModel {
  series: Series;
}

/**
 * Loads the model with one read of one version: detector, manifest, normal scores and
 * so the threshold all agree.
 */
export function openModel(f: Pick<ModelRunFlags, 'model' | 'fpr'>): OpenedModel {
  const model = loadModel(f.model);
  const { manifest, detector, normalScores } = model;
  const threshold = modelThreshold(model, f.fpr);
  return {
    dir: f.model,
    manifest,
    detector,
    threshold,
    ...(normalScores ? { normalScores } : {}),
    targetRate: impliedRate(threshold, normalScores),
  };
}

/** Loads the model (openModel), then reads the data matched to its channels. */
export async function openModelRun(f: ModelRunFlags): Promise<ModelRun> {
  const model = openModel(f);
  const read = await readDataFile(f.data, f, model.manifest);
  if (read.note) progress(`${f.data}: ${read.note}`);
  return { ...model, series: read.series };
}

/** Incidents of the run's data, with first-run rules unless overridden. */
export function runIncidents(
  run: ModelRun,
  overrides: { rules?: Partial<EventRules>; prune?: number | false } = {},
): DetectorIncidents {
  return detectorIncidents(run.detector, run.series, {
    threshold: run.threshold.value,
    targetRate: run.targetRate,
    ...(run.normalScores ? { normalScores: run.normalScores } : {}),
    ...(overrides.rules ? { rules: overrides.rules } : {}),
    ...(overrides.prune !== undefined ? { prune: overrides.prune } : {}),
  });
}
