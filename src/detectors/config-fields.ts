// Field specs that several detectors' config schemas share (each detector's
// schema sits beside its defaults, in its own file).
import type { ScalerKind } from '../data/scalers.js';
import type { SmoothingConfig } from './smoothing.js';
import type { TrainingConfig } from '../models/trainer.js';
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

/** Layer sizes, bounded so that a typo cannot ask for gigabytes of weights. */
export const layerSizes = (minLength: number): FieldSpec => ({
  type: 'int[]',
  min: 1,
  max: 65_536,
  minLength,
});

/** The trainer's fields (models/trainer.ts's TrainingConfig, documented there), all given. */
export type TrainingFields = Required<Omit<TrainingConfig, 'weightDecay'>>;

/** The trainer's fields (models/trainer.ts). */
export const trainingFields: Schema = {
  epochs: positiveInt,
  batchSize: positiveInt,
  learningRate: positive,
  patience: nonNegativeInt,
  minDelta: nonNegative,
  validationSplit: { type: 'number', min: 0, max: 1, exclusiveMax: true },
};

/** How a window detector prepares a series before modelling and smooths its scores after. */
export interface PreparationConfig {
  /** Keep every r-th block mean before modelling; scores are spread back to full rate. */
  downsample: number;
  scaler: ScalerKind | 'none';
  smoothing: SmoothingConfig;
}

export const PREPARATION_DEFAULTS: PreparationConfig = {
  downsample: 1,
  scaler: 'zscore',
  smoothing: { kind: 'none', span: 1 },
};

export const preparationFields: Schema = {
  downsample: positiveInt,
  scaler: scalerField,
  smoothing: smoothingField,
};

/** The fields the neural window detectors (forecaster, autoencoder) share after their own. */
export interface WindowTrainingConfig extends TrainingFields, PreparationConfig {
  dropout: number;
  /** Divide scores by the standard deviation of the training scores. */
  normalize: boolean;
}

export const WINDOW_TRAINING_DEFAULTS: WindowTrainingConfig = {
  dropout: 0,
  ...PREPARATION_DEFAULTS,
  normalize: false,
  epochs: 30,
  batchSize: 256,
  learningRate: 1e-3,
  patience: 5,
  minDelta: 1e-4,
  validationSplit: 0.2,
};

export const windowTrainingFields: Schema = {
  dropout: dropoutField,
  ...preparationFields,
  normalize: { type: 'boolean' },
  ...trainingFields,
};

/** The image detectors train a fixed count of epochs, as their papers do: no held-out split, no early stopping. */
export const FIXED_EPOCHS = { patience: 0, minDelta: 0, validationSplit: 0 } as const;

/** [height, width, channels] of the images a row holds. */
export const imageShapeField: FieldSpec = { type: 'int[]', min: 1, length: 3 };
