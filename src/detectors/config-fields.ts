// Field specs that several detectors' config schemas share (each detector's
// schema sits beside its defaults, in its own file).
import type { ScalerKind } from '../data/scalers.js';
import type { SmoothingConfig } from './smoothing.js';
import {
  nonNegative,
  nonNegativeInt,
  positive,
  positiveInt,
  type FieldSpec,
  type Schema,
} from '../config/schema.js';

export const scalerField: FieldSpec = {
  type: 'enum',
  values: ['zscore', 'minmax', 'robust', 'none'],
};

export const smoothingField: FieldSpec = {
  type: 'object',
  fields: {
    kind: { type: 'enum', values: ['none', 'moving-average', 'ewma'] },
    span: positiveInt,
  },
};

export const dropoutField: FieldSpec = { type: 'number', min: 0, max: 1, exclusiveMax: true };

/** The trainer's fields (models/trainer.ts). */
export const trainingFields: Schema = {
  epochs: positiveInt,
  batchSize: positiveInt,
  learningRate: positive,
  patience: nonNegativeInt,
  minDelta: nonNegative,
};

/** The fields the neural window detectors (forecaster, autoencoder) share after their own. */
export interface WindowTrainingConfig {
  dropout: number;
  /** Keep every r-th block mean before modelling; scores are spread back to full rate. */
  downsample: number;
  scaler: ScalerKind | 'none';
  smoothing: SmoothingConfig;
  /** Divide scores by the standard deviation of the training scores. */
  normalize: boolean;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  minDelta: number;
}

export const WINDOW_TRAINING_DEFAULTS: WindowTrainingConfig = {
  dropout: 0,
  downsample: 1,
  scaler: 'zscore',
  smoothing: { kind: 'none', span: 1 },
  normalize: false,
  epochs: 10,
  batchSize: 256,
  learningRate: 1e-3,
  patience: 0,
  minDelta: 0,
};

export const windowTrainingFields: Schema = {
  dropout: dropoutField,
  downsample: positiveInt,
  scaler: scalerField,
  smoothing: smoothingField,
  normalize: { type: 'boolean' },
  ...trainingFields,
};
