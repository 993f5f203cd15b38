// The configuration schema of each built-in detector: the CLI's --config check
// and the workflows' detector sections read them from here.
import { validateConfig, type FieldSpec, type Schema } from '../config/schema.js';

const positiveInt: FieldSpec = { type: 'int', min: 1 };
/** Layer sizes, bounded so that a typo cannot ask for gigabytes of weights. */
const layerSizes: FieldSpec = { type: 'int[]', min: 1, max: 65_536, minLength: 1 };
const nonNegative: FieldSpec = { type: 'number', min: 0 };
const positive: FieldSpec = { type: 'number', min: 0, exclusiveMin: true };
const scaler: FieldSpec = { type: 'enum', values: ['zscore', 'minmax', 'robust', 'none'] };
const smoothing: FieldSpec = {
  type: 'object',
  fields: {
    kind: { type: 'enum', values: ['none', 'moving-average', 'ewma'] },
    span: positiveInt,
  },
};
const training: Schema = {
  epochs: positiveInt,
  batchSize: positiveInt,
  learningRate: positive,
  patience: { type: 'int', min: 0 },
  minDelta: nonNegative,
  validationSplit: { type: 'number', min: 0, max: 1, exclusiveMax: true },
};
const alignment: FieldSpec = { type: 'enum', values: ['mean', 'max', 'centre'] };
const baseline: Schema = {
  window: positiveInt,
  downsample: positiveInt,
  scaler,
  smoothing,
  alignment,
};

/** One schema per registered detector. */
export const DETECTOR_SCHEMAS: Readonly<Record<string, Schema>> = {
  forecaster: {
    network: { type: 'enum', values: ['dense', 'lstm', 'gru', 'stacked'] },
    window: positiveInt,
    horizon: positiveInt,
    trainShift: positiveInt,
    hidden: layerSizes,
    targets: { type: 'int[]', min: 0, minLength: 0 },
    batchNorm: { type: 'boolean' },
    dropout: { type: 'number', min: 0, max: 1, exclusiveMax: true },
    downsample: positiveInt,
    scaler,
    smoothing,
    normalize: { type: 'boolean' },
    ...training,
  },
  autoencoder: {
    network: { type: 'enum', values: ['dense', 'lstm', 'conv1d'] },
    window: positiveInt,
    trainShift: positiveInt,
    hidden: layerSizes,
    bottleneck: positiveInt,
    kernel: { type: 'int', min: 1, odd: true },
    dropout: { type: 'number', min: 0, max: 1, exclusiveMax: true },
    downsample: positiveInt,
    scaler,
    smoothing,
    normalize: { type: 'boolean' },
    ...training,
  },
  pca: { ...baseline, components: positiveInt },
  knn: { ...baseline, k: positiveInt, maxTrain: positiveInt },
  'isolation-forest': { ...baseline, trees: positiveInt, subsample: { type: 'int', min: 2 } },
  'rolling-zscore': { ...baseline, minStd: positive },
  discord: {
    window: { type: 'number-or-enum', values: ['auto'], min: 2 },
    join: { type: 'enum', values: ['train', 'self'] },
    normalization: { type: 'enum', values: ['znorm', 'mean', 'none'] },
    combine: { type: 'enum', values: ['max', 'mean'] },
    alignment,
    downsample: positiveInt,
    maxTrain: positiveInt,
    exclusion: nonNegative,
    flatStd: nonNegative,
    smoothing,
  },
  'cae-ocsvm': {
    imageShape: { type: 'int[]', min: 1, length: 3 },
    pixelScale: { type: 'number-or-enum', values: ['auto'], min: 0, exclusiveMin: true },
    loss: { type: 'enum', values: ['bce', 'mse'] },
    ...training,
    nu: { type: 'number', min: 0, max: 1, exclusiveMin: true },
    gamma: { type: 'number-or-enum', values: ['scale', 'auto'], min: 0, exclusiveMin: true },
  },
  amsl: {
    segmentShape: { type: 'int[]', min: 1, length: 2 },
    hidden: layerSizes,
    kernel: { type: 'int', min: 1, odd: true },
    memoryItems: positiveInt,
    temperature: positive,
    lambda1: nonNegative,
    lambda2: nonNegative,
    scaler: { type: 'enum', values: ['zscore', 'none'] },
    snrDb: { type: 'number' },
    permutationPieces: positiveInt,
    smoothingWindow: { type: 'int', min: 1, odd: true },
    smoothingOrder: { type: 'int', min: 0 },
    epochs: positiveInt,
    batchSize: positiveInt,
    learningRate: positive,
  },
};

/**
 * Checks a detector's configuration against its schema. Detectors without a
 * schema here (added at run time with registerDetector) are passed through; they
 * still check their own configuration.
 */
export function validateDetectorConfig(
  detector: string,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const schema = DETECTOR_SCHEMAS[detector];
  return schema ? validateConfig(config, schema, 'config') : config;
}
