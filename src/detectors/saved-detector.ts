// What every detector saves and restores the same way: its name, configuration, the
// channels it was fitted on, its seed, scaler and training summary. A detector adds only
// its own state and weights, so all saved models keep one manifest layout.
import type { Tensor } from '../engine/index.js';
import { Scaler, type ScalerState } from '../data/scalers.js';
import { writeModelDir, type Manifest, type SaveExtras } from './model-dir.js';
import type { Detector, TrainingSummary } from './detector.js';

/** What a detector keeps privately that goes into its manifest. */
export interface DetectorOwnState {
  seed?: number;
  scaler?: Scaler;
  /** Detector-specific numbers learnt in fit. */
  state: Record<string, unknown>;
}

/** Writes the detector's model directory (see model-dir.ts). */
export function saveDetector(
  dir: string,
  detector: Detector,
  own: DetectorOwnState,
  weights: Record<string, Tensor>,
  extras: SaveExtras,
): void {
  writeModelDir(
    dir,
    {
      detector: detector.name,
      config: { ...detector.config } as Record<string, unknown>,
      channels: detector.channels,
      seed: own.seed,
      scaler: own.scaler?.toJSON(),
      summary: detector.summary,
      state: own.state,
    },
    weights,
    extras,
  );
}

/** The fields of a freshly configured detector that a saved manifest restores. */
export interface RestoredBasics {
  channels: number;
  seed?: number;
  summary?: TrainingSummary;
  scaler?: Scaler;
}

/**
 * Read from a manifest, to be assigned onto the detector. The scaler is left out when none
 * was saved, so detectors without one gain no such field.
 */
export function restoredBasics(manifest: Manifest): RestoredBasics {
  return {
    channels: manifest.channels,
    seed: manifest.seed,
    summary: manifest.summary,
    ...(manifest.scaler ? { scaler: Scaler.fromJSON(manifest.scaler as ScalerState) } : {}),
  };
}
