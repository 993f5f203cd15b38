// One-Class SVM on raw rows (Schölkopf et al., 2001): each row is one vector (an image's
// pixels flattened, or any feature vector), normalised (src/data/image-normalization.ts),
// then libsvm's One-Class SVM with an RBF kernel. The baseline the image detectors are
// measured against (Deep SVDD paper, Table 1: "OC-SVM" on raw pixels).
//
// gamma: 'scale' (default) is scikit-learn's rule, 1 / (features * variance of the
// normalised training values), chosen without labels. The Deep SVDD paper instead picked
// gamma from 2^-10..2^-1 and nu from {0.01, 0.1} on a small labelled part of the test set;
// a number here reproduces one point of that grid.
//
// Score: minus the SVM's decision value (higher = more anomalous; negative inside the
// learned support). explain(): per value, the squared difference to the nearest support
// vector (in normalised units): where the row departs from the closest training example the
// SVM kept. It does not sum to the score.
import type { Series } from '../data/series.js';
import {
  ImageNormalizer,
  IMAGE_NORMALIZATIONS,
  type ImageNormalization,
} from '../data/image-normalization.js';
import {
  OneClassSvm,
  type OneClassSvmGamma,
  type OneClassSvmState,
} from '../models/one-class-svm.js';
import { checkScores, checkSeries } from './input-checks.js';
import { singlePassSummary } from '../models/training-report.js';
import type { Manifest, SaveExtras } from './model-dir.js';
import { restoredBasics, saveDetector } from './saved-detector.js';
import {
  NotFittedError,
  type Detector,
  type FitOptions,
  type TrainingSummary,
} from './detector.js';
import { resolveConfig, type Schema } from '../config/schema.js';
import type { StreamOptions, StreamScorer } from './stream-scorer.js';
import { perImageStream } from './image-rows.js';
import type { Tensor } from '../engine/index.js';

export interface OcsvmConfig {
  /** Per-row normalisation learnt on the training rows: none, minmax or gcn-minmax (Deep SVDD's). */
  normalization: ImageNormalization;
  /** One-Class SVM nu in (0, 1]: upper bound on the share of training rows left outside. */
  nu: number;
  /** RBF kernel width: a number, 'scale' or 'auto' (scikit-learn's rules). */
  gamma: OneClassSvmGamma;
}

export const OCSVM_DEFAULTS: OcsvmConfig = {
  // The Deep SVDD paper's preprocessing, which its raw-pixel OC-SVM baseline used. On
  // CIFAR-10 cats (development split, seed 1) it lifts AUC-ROC from 0.484 ('minmax', the
  // same as 'none' under gamma 'scale') to 0.579: brightness and contrast stop dominating.
  normalization: 'gcn-minmax',
  nu: 0.1,
  gamma: 'scale',
};

export const OCSVM_SCHEMA: Schema = {
  normalization: { type: 'enum', values: IMAGE_NORMALIZATIONS },
  nu: { type: 'number', min: 0, max: 1, exclusiveMin: true },
  gamma: { type: 'number-or-enum', values: ['scale', 'auto'], min: 0, exclusiveMin: true },
};

export class OcsvmDetector implements Detector {
  readonly name = 'ocsvm';
  readonly config: OcsvmConfig;
  private svm?: OneClassSvm;
  private normalizer?: ImageNormalizer;
  private seed?: number;
  channels = 0;
  summary?: TrainingSummary;

  constructor(config: Partial<OcsvmConfig> = {}) {
    this.config = resolveConfig(config, OCSVM_SCHEMA, OCSVM_DEFAULTS, 'ocsvm config');
  }

  get fitted(): boolean {
    return this.svm !== undefined;
  }

  private rows(x: Series): Float32Array {
    return this.normalizer!.applyRows(x.data, x.channels);
  }

  async fit(train: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    checkSeries(train, 'ocsvm.fit training data');
    if (options.validation)
      checkSeries(options.validation, 'ocsvm.fit validation data', { channels: train.channels });
    const started = performance.now();
    this.channels = train.channels;
    this.seed = options.seed;
    this.normalizer = ImageNormalizer.fit(this.config.normalization, train.data, train.channels);
    const data = this.rows(train);
    this.svm = new OneClassSvm().fit(data, train.length, train.channels, {
      nu: this.config.nu,
      gamma: this.config.gamma,
    });
    // One pass, no epochs: the "loss" is the mean score of the training (and validation) rows.
    const mean = (s: Float32Array) => s.reduce((a, b) => a + b, 0) / s.length;
    this.summary = singlePassSummary(
      started,
      mean(this.score(train)),
      options.validation ? mean(this.score(options.validation)) : undefined,
      options.onEpoch,
    );
    return this.summary;
  }

  private requireSvm(what: string): OneClassSvm {
    if (!this.svm) throw new NotFittedError('ocsvm', what);
    return this.svm;
  }

  /** One score per row: -(One-Class SVM decision value); higher = more anomalous. */
  score(x: Series): Float32Array {
    const svm = this.requireSvm('score');
    checkSeries(x, 'ocsvm input', { channels: this.channels });
    return checkScores(Float32Array.from(svm.score(this.rows(x), x.length)), x, this.name);
  }

  /** Per value: squared difference to the nearest support vector, [length, channels]. */
  explain(x: Series): Float32Array {
    const svm = this.requireSvm('explain');
    checkSeries(x, 'ocsvm input', { channels: this.channels });
    const d = this.channels;
    const sv = svm.toJSON().supportVectors;
    const count = sv.length / d;
    const rows = this.rows(x);
    const out = new Float32Array(rows.length);
    for (let r = 0; r < x.length; r++) {
      const row = rows.subarray(r * d, (r + 1) * d);
      let best = 0;
      let bestDist = Infinity;
      for (let s = 0; s < count; s++) {
        let dist = 0;
        for (let j = 0; j < d && dist < bestDist; j++) dist += (row[j]! - sv[s * d + j]!) ** 2;
        if (dist < bestDist) {
          bestDist = dist;
          best = s;
        }
      }
      for (let j = 0; j < d; j++) out[r * d + j] = (row[j]! - sv[best * d + j]!) ** 2;
    }
    return out;
  }

  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    this.requireSvm('stream');
    return perImageStream<I>(this, options);
  }

  save(dir: string, extras: SaveExtras = {}): void {
    const svm = this.requireSvm('save');
    const state = { normalizer: this.normalizer!.toJSON(), svm: svm.toJSON() };
    saveDetector(dir, this, { seed: this.seed, state }, {}, extras);
  }

  static fromSaved(manifest: Manifest, _weights: Record<string, Tensor>): OcsvmDetector {
    const d = new OcsvmDetector(manifest.config as Partial<OcsvmConfig>);
    Object.assign(d, restoredBasics(manifest));
    const state = (manifest.state ?? {}) as Record<string, unknown>;
    d.normalizer = ImageNormalizer.fromJSON(state.normalizer, 'ocsvm state');
    const svm = OneClassSvm.fromJSON(state.svm as OneClassSvmState);
    if (svm.cols !== d.channels)
      throw new Error(`ocsvm state: the SVM has ${svm.cols} features, expected ${d.channels}`);
    d.svm = svm;
    return d;
  }
}
