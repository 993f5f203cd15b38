// Detectors by name: create one from a config, or load a saved model directory.
import { readSavedModel, type Manifest, type SavedModel } from './model-dir.js';
import { Forecaster, type ForecasterConfig } from './forecaster.js';
import { CaeOcsvmDetector, type CaeOcsvmConfig } from './cae-ocsvm.js';
import { Autoencoder, type AutoencoderConfig } from './autoencoder.js';
import { PcaDetector, type PcaConfig } from './baselines/pca.js';
import { KnnDetector, type KnnConfig } from './baselines/knn.js';
import {
  IsolationForestDetector,
  type IsolationForestConfig,
} from './baselines/isolation-forest.js';
import { RollingZScoreDetector, type RollingZScoreConfig } from './baselines/rolling-zscore.js';
import { AmslDetector, type AmslConfig } from './amsl.js';
import { DiscordDetector, type DiscordConfig } from './discord.js';
import { AutoDetector, type AutoConfig } from './auto.js';
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
    'autoencoder',
    {
      create: (c) => new Autoencoder(c as Partial<AutoencoderConfig>),
      fromSaved: (m, w) => Autoencoder.fromSaved(m, w),
      describe:
        'reconstructs windows (dense, LSTM or Conv1d network); score = squared reconstruction error',
    },
  ],
  [
    'pca',
    {
      create: (c) => new PcaDetector(c as Partial<PcaConfig>),
      fromSaved: (m, w) => PcaDetector.fromSaved(m, w),
      describe: 'baseline: residual of windows after projection on k principal components',
    },
  ],
  [
    'knn',
    {
      create: (c) => new KnnDetector(c as Partial<KnnConfig>),
      fromSaved: (m, w) => KnnDetector.fromSaved(m, w),
      describe: 'baseline: distance of each window to its k-th nearest training window',
    },
  ],
  [
    'isolation-forest',
    {
      create: (c) => new IsolationForestDetector(c as Partial<IsolationForestConfig>),
      fromSaved: (m, w) => IsolationForestDetector.fromSaved(m, w),
      describe: 'baseline: isolation forest on windows; score = 2^(-mean path length / c(n))',
    },
  ],
  [
    'rolling-zscore',
    {
      create: (c) => new RollingZScoreDetector(c as Partial<RollingZScoreConfig>),
      fromSaved: (m, w) => RollingZScoreDetector.fromSaved(m, w),
      describe: 'baseline: |x - trailing mean| / trailing std, max over channels (no training)',
    },
  ],
  [
    'discord',
    {
      create: (c) => new DiscordDetector(c as Partial<DiscordConfig>),
      fromSaved: (m, w) => DiscordDetector.fromSaved(m, w),
      describe:
        'matrix profile: z-normalised distance of each window to its nearest training window (or, join self, to the nearest other window)',
    },
  ],
  [
    'auto',
    {
      create: (c) => new AutoDetector(c as Partial<AutoConfig>, createDetector, detectorFromSaved),
      fromSaved: (m, w) => AutoDetector.fromSaved(m, w, createDetector, detectorFromSaved),
      describe:
        'chooses among the detectors and window lengths without labels: synthetic anomalies in held-out normal data, best one or an ensemble',
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
  [
    'amsl',
    {
      create: (c) => new AmslDetector(c as Partial<AmslConfig>),
      fromSaved: (m, w) => AmslDetector.fromSaved(m, w),
      describe:
        'AMSL: seven-view self-supervised conv autoencoder with global and local memories; one score per flattened segment',
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

/** Rebuilds a detector from a manifest and its weights (already read and checked). */
export function detectorFromSaved(manifest: Manifest, weights: Record<string, Tensor>): Detector {
  const e = registry.get(manifest.detector);
  if (!e) throw new Error(`unknown detector '${manifest.detector}' in the manifest`);
  return e.fromSaved(manifest, weights);
}

/** A loaded detector with the one version of its model directory it came from. */
export interface LoadedModel extends SavedModel {
  detector: Detector;
}

/**
 * Loads a saved model directory, reading one consistent version (manifest, verified
 * weights, normal scores): callers take the threshold from `manifest` of the same read.
 * Refuses corrupt, foreign or unknown models with the reason.
 */
export function loadModel(dir: string): LoadedModel {
  const saved = readSavedModel(dir);
  const { manifest } = saved;
  const e = registry.get(manifest.detector);
  if (!e)
    throw new Error(
      `${dir}: unknown detector '${manifest.detector}' in manifest.json (known: ${detectorNames().join(', ')})`,
    );
  try {
    return { ...saved, detector: e.fromSaved(manifest, saved.weights) };
  } catch (err) {
    throw new Error(`${dir}: cannot load the model (${(err as Error).message})`);
  }
}

/** Loads a saved model directory's detector (see loadModel). */
export function loadDetector(dir: string): Detector {
  return loadModel(dir).detector;
}

export function registerDetector(name: string, entry: Entry): void {
  registry.set(name, entry);
}
