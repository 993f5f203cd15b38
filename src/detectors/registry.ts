// Detectors by name: create one from a config, or load a saved model directory.
import { readSavedModel, type Manifest, type SavedModel } from './model-dir.js';
import { Forecaster, FORECASTER_SCHEMA, FORECASTER_DEFAULTS } from './forecaster.js';
import { CaeOcsvmDetector, CAE_OCSVM_SCHEMA, CAE_OCSVM_DEFAULTS } from './cae-ocsvm.js';
import { Autoencoder, AUTOENCODER_SCHEMA, AUTOENCODER_DEFAULTS } from './autoencoder.js';
import { PcaDetector, PCA_SCHEMA, PCA_DEFAULTS } from './baselines/pca.js';
import { KnnDetector, KNN_SCHEMA, KNN_DEFAULTS } from './baselines/knn.js';
import {
  IsolationForestDetector,
  ISOLATION_FOREST_SCHEMA,
  ISOLATION_FOREST_DEFAULTS,
} from './baselines/isolation-forest.js';
import {
  RollingZScoreDetector,
  ROLLING_ZSCORE_SCHEMA,
  ROLLING_ZSCORE_DEFAULTS,
} from './baselines/rolling-zscore.js';
import { AmslDetector, AMSL_SCHEMA, AMSL_DEFAULTS } from './amsl.js';
import { GeomDetector, GEOM_SCHEMA, GEOM_DEFAULTS } from './geom.js';
import { OcsvmDetector, OCSVM_SCHEMA, OCSVM_DEFAULTS } from './ocsvm.js';
import { DeepSvddDetector, DEEP_SVDD_SCHEMA, DEEP_SVDD_DEFAULTS } from './deep-svdd.js';
import { DiscordDetector, DISCORD_SCHEMA, DISCORD_DEFAULTS } from './discord.js';
import { AutoDetector, AUTO_SCHEMA, AUTO_DEFAULTS, type AutoConfig } from './auto.js';
import type { Detector } from './detector.js';
import type { Tensor } from '../engine/index.js';
import { NamedRegistry, type SchemaEntry } from './named-registry.js';

/** A detector's registry entry: the one place its name, config schema and defaults meet. */
export interface DetectorEntry extends SchemaEntry {
  create(config: Record<string, unknown>): Detector;
  fromSaved(manifest: Manifest, weights: Record<string, Tensor>): Detector;
  /** A small config for the shared conformance suite (test/detectors/conformance.test.ts). */
  conformance: ConformanceCase;
}

/**
 * How the conformance suite exercises a detector: its config, the shape of its
 * data and the AUC it must reach there. `series`: the noisy sine (one channel,
 * amplitude doubling); `images`: MNIST rows of 28x28 pixels (digit 0 normal,
 * other digits anomalous); `segments`: rows of flattened 16x3 sensor segments
 * (sines normal, square waves of twice the amplitude anomalous), config.segmentShape [16, 3].
 */
export interface ConformanceCase {
  data: 'series' | 'images' | 'segments';
  config: Record<string, unknown>;
  aucFloor: number;
  /** Scores may be negative (minus an SVM decision value, a distance minus a radius). */
  signedScores?: boolean;
}

/** A detector class: constructed from a partial config, loaded from a model directory. */
interface DetectorClass {
  new (config: never): Detector;
  fromSaved(manifest: Manifest, weights: Record<string, Tensor>): Detector;
}

/** The registry entry of a detector class: create and fromSaved from the class itself. */
function entry(
  cls: DetectorClass,
  rest: Omit<DetectorEntry, 'create' | 'fromSaved'>,
): DetectorEntry {
  return {
    create: (config) => new cls(config as never),
    fromSaved: (m, w) => cls.fromSaved(m, w),
    ...rest,
  };
}

const sineSmoothing = { kind: 'moving-average', span: 100 };

const registry = new NamedRegistry<DetectorEntry>('detector', [
  [
    'forecaster',
    entry(Forecaster, {
      schema: FORECASTER_SCHEMA,
      defaults: FORECASTER_DEFAULTS,
      conformance: {
        data: 'series',
        aucFloor: 0.95,
        config: {
          network: 'lstm',
          hidden: [16],
          window: 25,
          horizon: 1,
          downsample: 4,
          trainShift: 4,
          epochs: 2,
          smoothing: sineSmoothing,
        },
      },
      describe:
        'predicts the next steps (dense, LSTM, GRU or stacked network); score = squared error',
    }),
  ],
  [
    'autoencoder',
    entry(Autoencoder, {
      schema: AUTOENCODER_SCHEMA,
      defaults: AUTOENCODER_DEFAULTS,
      conformance: {
        data: 'series',
        aucFloor: 0.95,
        config: {
          network: 'dense',
          hidden: [32],
          bottleneck: 4,
          window: 24,
          downsample: 4,
          trainShift: 2,
          epochs: 3,
          learningRate: 0.01,
          smoothing: sineSmoothing,
        },
      },
      describe:
        'reconstructs windows (dense, LSTM or Conv1d network); score = squared reconstruction error',
    }),
  ],
  [
    'pca',
    entry(PcaDetector, {
      schema: PCA_SCHEMA,
      defaults: PCA_DEFAULTS,
      conformance: {
        data: 'series',
        aucFloor: 0.95,
        // One component: sine windows span two, so the residual grows with the amplitude.
        config: { window: 25, components: 1, downsample: 4, smoothing: sineSmoothing },
      },
      describe: 'baseline: residual of windows after projection on k principal components',
    }),
  ],
  [
    'knn',
    entry(KnnDetector, {
      schema: KNN_SCHEMA,
      defaults: KNN_DEFAULTS,
      conformance: {
        data: 'series',
        aucFloor: 0.95,
        config: { window: 10, k: 5, maxTrain: 500, downsample: 4, smoothing: sineSmoothing },
      },
      describe: 'baseline: distance of each window to its k-th nearest training window',
    }),
  ],
  [
    'isolation-forest',
    entry(IsolationForestDetector, {
      schema: ISOLATION_FOREST_SCHEMA,
      defaults: ISOLATION_FOREST_DEFAULTS,
      conformance: {
        data: 'series',
        aucFloor: 0.95,
        config: { window: 10, trees: 50, subsample: 256, downsample: 4, smoothing: sineSmoothing },
      },
      describe: 'baseline: isolation forest on windows; score = 2^(-mean path length / c(n))',
    }),
  ],
  [
    'rolling-zscore',
    entry(RollingZScoreDetector, {
      schema: ROLLING_ZSCORE_SCHEMA,
      defaults: ROLLING_ZSCORE_DEFAULTS,
      conformance: {
        data: 'series',
        aucFloor: 0.9,
        // Over 5 steps (a twentieth of a period) the slope outweighs the noise more once doubled.
        config: { window: 5, downsample: 4, smoothing: sineSmoothing },
      },
      describe: 'baseline: |x - trailing mean| / trailing std, max over channels (no training)',
    }),
  ],
  [
    'discord',
    entry(DiscordDetector, {
      schema: DISCORD_SCHEMA,
      defaults: DISCORD_DEFAULTS,
      conformance: {
        data: 'series',
        aucFloor: 0.95,
        // Mean-centred distances keep the amplitude: z-normalised windows of a sine
        // with doubled amplitude are the sine's own shape.
        config: { window: 25, normalization: 'mean', downsample: 4, smoothing: sineSmoothing },
      },
      describe:
        'matrix profile: z-normalised distance of each window to its nearest training window (or, join self, to the nearest other window)',
    }),
  ],
  [
    'auto',
    {
      create: (c) => new AutoDetector(c as Partial<AutoConfig>, createDetector, detectorFromSaved),
      fromSaved: (m, w) => AutoDetector.fromSaved(m, w, createDetector, detectorFromSaved),
      schema: AUTO_SCHEMA,
      defaults: AUTO_DEFAULTS,
      conformance: {
        data: 'series',
        aucFloor: 0.95,
        // Two cheap members and a short held-out part keep it to seconds; both see a doubled
        // amplitude (pca's subspace is scale-free). The default pair is tested in auto.test.ts.
        config: { fixed: ['isolation-forest', 'knn'], maxHeldOut: 2000 },
      },
      describe:
        "without labels: the normalised mean of discord and pca at the data's period (default), or the best detector or ensemble on synthetic anomalies in held-out normal data (select synthetic)",
    },
  ],
  [
    'cae-ocsvm',
    entry(CaeOcsvmDetector, {
      schema: CAE_OCSVM_SCHEMA,
      defaults: CAE_OCSVM_DEFAULTS,
      conformance: {
        data: 'images',
        aucFloor: 0.85,
        signedScores: true,
        config: { imageShape: [28, 28, 1], epochs: 1, batchSize: 32, nu: 0.1 },
      },
      describe:
        'images (one flattened image per row): conv autoencoder features + One-Class SVM; score = -SVM decision',
    }),
  ],
  [
    'geom',
    entry(GeomDetector, {
      schema: GEOM_SCHEMA,
      defaults: GEOM_DEFAULTS,
      conformance: {
        data: 'images',
        aucFloor: 0.85,
        // Translations alone (K = 9): on zeros, rotations and flips are ambiguous
        // (a 0 turned half-way is a 0), so with two epochs they reach AUC ~0.70; shifts ~0.96.
        config: {
          imageShape: [28, 28, 1],
          rotate: false,
          flip: false,
          shift: 4,
          widths: [8, 16],
          epochs: 2,
          batchSize: 64,
        },
      },
      describe:
        'images (one flattened image per row): a CNN learns which rotation/flip/translation was applied; score = -mean log-probability of the right one',
    }),
  ],
  [
    'ocsvm',
    entry(OcsvmDetector, {
      schema: OCSVM_SCHEMA,
      defaults: OCSVM_DEFAULTS,
      conformance: { data: 'images', aucFloor: 0.9, signedScores: true, config: {} },
      describe:
        'baseline: One-Class SVM (libsvm, RBF) on each row as a vector, e.g. raw pixels; score = -SVM decision',
    }),
  ],
  [
    'deep-svdd',
    entry(DeepSvddDetector, {
      schema: DEEP_SVDD_SCHEMA,
      defaults: DEEP_SVDD_DEFAULTS,
      conformance: {
        data: 'images',
        aucFloor: 0.8,
        // The paper's MNIST network at half the representation, one pre-training epoch.
        config: {
          imageShape: [28, 28, 1],
          channels: [8, 4],
          repDim: 16,
          pretrainEpochs: 1,
          epochs: 2,
          batchSize: 32,
          learningRate: 1e-3,
        },
      },
      describe:
        'images: Deep SVDD, a bias-free conv encoder pulling normal images to a centre (optional AE pre-training); score = squared distance',
    }),
  ],
  [
    'amsl',
    entry(AmslDetector, {
      schema: AMSL_SCHEMA,
      defaults: AMSL_DEFAULTS,
      conformance: {
        data: 'segments',
        aucFloor: 0.9,
        config: {
          segmentShape: [16, 3],
          hidden: [8, 4],
          kernel: 3,
          memoryItems: 10,
          permutationPieces: 4,
          smoothingWindow: 5,
          epochs: 3,
          batchSize: 16,
        },
      },
      describe:
        'AMSL: seven-view self-supervised conv autoencoder with global and local memories; one score per flattened segment',
    }),
  ],
]);

export function detectorNames(): string[] {
  return registry.names();
}

export function createDetector(name: string, config: Record<string, unknown> = {}): Detector {
  return detectorEntry(name).create(config);
}

/** The registry entry of `name`; a ConfigError listing the known detectors otherwise. */
export function detectorEntry(name: string): DetectorEntry {
  return registry.get(name);
}

/**
 * Checks a detector's configuration (any subset of its fields) against its
 * schema, before any data is read; the constructor runs the same check.
 */
export function validateDetectorConfig(
  name: string,
  config: Record<string, unknown>,
): Record<string, unknown> {
  return registry.validate(name, config);
}

/** Rebuilds a detector from a manifest and its weights (already read and checked). */
export function detectorFromSaved(manifest: Manifest, weights: Record<string, Tensor>): Detector {
  const e = registry.find(manifest.detector);
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
  const e = registry.find(manifest.detector);
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

export function registerDetector(name: string, entry: DetectorEntry): void {
  registry.set(name, entry);
}

/** For `--help`: every detector's fields with their defaults. */
export function describeDetectorFields(): string {
  return registry.describeFields();
}
