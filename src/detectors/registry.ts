// Detectors by name: create one from a config, or load a saved model directory.
import { readManifest, readWeights, type Manifest } from './model-dir.js';
import { Forecaster, type ForecasterConfig } from './forecaster.js';
import { CaeOcsvmDetector, type CaeOcsvmConfig } from './cae-ocsvm.js';
import type { Detector } from './detector.js';
import type { Tensor } from '../engine/index.js';

interface Entry {
  create(config: Record<string, unknown>): Detector;
  fromSaved(manifest: Manifest, weights: Record<string, Tensor>): Detector;
  describe: string;
}

const registry = new Map<string, Entry>([
  [
    'forecaster',
    {
      create: (c) => new Forecaster(c as Partial<ForecasterConfig>),
      fromSaved: (m, w) => Forecaster.fromSaved(m, w),
      describe:
        'predicts the next steps (dense, LSTM, GRU or stacked network); score = squared error',
    },
  ],
  [
    'cae-ocsvm',
    {
      create: (c) => new CaeOcsvmDetector(c as Partial<CaeOcsvmConfig>),
      fromSaved: (m, w) => CaeOcsvmDetector.fromSaved(m, w),
      describe:
        'images (one flattened image per row): conv autoencoder features + One-Class SVM; score = -SVM decision',
    },
  ],
]);

export function detectorNames(): string[] {
  return [...registry.keys()];
}

export function createDetector(name: string, config: Record<string, unknown> = {}): Detector {
  const e = registry.get(name);
  if (!e) throw new Error(`unknown detector '${name}' (available: ${detectorNames().join(', ')})`);
  return e.create(config);
}

/** Loads a saved model directory; refuses corrupt, foreign or unknown models with the reason. */
export function loadDetector(dir: string): Detector {
  const manifest = readManifest(dir);
  const e = registry.get(manifest.detector);
  if (!e) throw new Error(`${dir}: unknown detector '${manifest.detector}' in manifest.json`);
  const weights = readWeights(dir);
  try {
    return e.fromSaved(manifest, weights);
  } catch (err) {
    throw new Error(`${dir}: cannot load the model (${(err as Error).message})`);
  }
}

export function registerDetector(name: string, entry: Entry): void {
  registry.set(name, entry);
}
