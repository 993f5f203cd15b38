// Field specs that several detectors' config schemas share (each detector's
// schema sits beside its defaults, in its own file).
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
