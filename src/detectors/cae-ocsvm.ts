// CAE + One-Class SVM for images: a convolutional autoencoder learns to reconstruct the
// normal images; a One-Class SVM (RBF kernel, libsvm) is then fitted on the encoder's
// features of the same images. The score of an image is the negated SVM decision value
// (higher = more anomalous; above 0 outside the learned support, so scores may be negative).
//
// Data layout: a Series row is one image flattened in [h, w, c] order (row-major, channels
// last), so `channels = h * w * c`; `imageShape: [h, w, c]` says how to unflatten it. Pixels
// are multiplied by `pixelScale` first; 'auto' resolves at fit to 1/255 when the training
// data's maximum exceeds 1, else 1, and the resolved number is saved with the model.
//
// Feature scaling: each encoder feature is standardised with the mean and (population)
// standard deviation of that feature over the training images, learnt once in fit and saved
// in the manifest; a constant (e.g. dead ReLU) feature keeps std 1, so it stays 0. With
// `gamma: 'scale'` the RBF width is then about 1 / features, as in scikit-learn.
//
// explain() gives the per-pixel squared reconstruction error (of the scaled pixels), in
// the same [h, w, c] order as the input row. It explains what the autoencoder failed to
// reproduce; unlike the reconstruction detectors its rows do not sum to the score, which
// comes from the SVM.
import { noGrad, tensor, tidy, F, type Tensor } from '../engine/index.js';
import { createSeries, type Series } from '../data/series.js';
import { ConvAutoencoder, type ChwShape } from '../models/conv-autoencoder.js';
import {
  OneClassSvm,
  type OneClassSvmGamma,
  type OneClassSvmState,
} from '../models/one-class-svm.js';
import { seedWeights, train, trainOptionsFrom, type TrainingData } from '../models/trainer.js';
import { rocAuc } from '../metrics/roc.js';
import { averagePrecision } from '../metrics/pr.js';
import { checkScores, checkSeries } from './input-checks.js';
import type { Manifest, SaveExtras } from './model-dir.js';
import { restoredBasics, saveDetector } from './saved-detector.js';
import {
  NotFittedError,
  type Detector,
  type FitOptions,
  type TrainingSummary,
} from './detector.js';
import { resolveConfig, type Schema } from '../config/schema.js';
import { trainingFields, type TrainingFields } from './config-fields.js';
import { columnMeanStd } from '../data/column-stats.js';
import { PerRowStream, type StreamOptions, type StreamScorer } from './stream-scorer.js';

/** With the trainer's fields (validationSplit: a share of the training images). */
export interface CaeOcsvmConfig extends TrainingFields {
  /** Image shape [height, width, channels]; a Series row holds h * w * c pixels in that order. */
  imageShape: [number, number, number];
  /** Factor applied to every pixel; 'auto' = 1/255 when the training maximum exceeds 1, else 1. */
  pixelScale: number | 'auto';
  /**
   * Autoencoder training loss. 'bce' (binary cross-entropy, pixels in [0, 1]) keeps
   * learning where 'mse' through the output sigmoid can stall: on MNIST, MSE left 7 of 10
   * one-class autoencoders predicting a blank image (loss flat at the background's).
   */
  loss: 'bce' | 'mse';
  /** One-Class SVM nu in (0, 1]: upper bound on the share of training images left outside. */
  nu: number;
  /** RBF kernel width on the standardised features: a number, 'scale' or 'auto' (scikit-learn's rules). */
  gamma: OneClassSvmGamma;
}

export const CAE_OCSVM_DEFAULTS: CaeOcsvmConfig = {
  imageShape: [28, 28, 1],
  pixelScale: 'auto',
  loss: 'bce',
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-3,
  patience: 0,
  minDelta: 0,
  validationSplit: 0,
  nu: 0.1,
  gamma: 'scale',
};

/** The fields of cae-ocsvm's config, their types and ranges. */
export const CAE_OCSVM_SCHEMA: Schema = {
  imageShape: { type: 'int[]', min: 1, length: 3 },
  pixelScale: { type: 'number-or-enum', values: ['auto'], min: 0, exclusiveMin: true },
  loss: { type: 'enum', values: ['bce', 'mse'] },
  ...trainingFields,
  nu: { type: 'number', min: 0, max: 1, exclusiveMin: true },
  gamma: { type: 'number-or-enum', values: ['scale', 'auto'], min: 0, exclusiveMin: true },
};

/** One row of `nuGrid`. */
export interface NuGridRow {
  nu: number;
  aucRoc: number;
  /** Average precision (scikit-learn's definition), anomalies positive. */
  aucPr: number;
  supportVectors: number;
  /** Seconds to fit the SVM and score the test images. */
  seconds: number;
}

interface Features {
  values: Float64Array;
  rows: number;
}

const INFERENCE_BATCH = 512;

export class CaeOcsvmDetector implements Detector {
  readonly name = 'cae-ocsvm';
  readonly config: CaeOcsvmConfig;
  private net?: ConvAutoencoder;
  private svm?: OneClassSvm;
  private featureMean?: Float64Array;
  private featureStd?: Float64Array;
  private pixelScale = 1;
  private seed?: number;
  /** Standardised features of the images fit() saw, for nuGrid (not saved). */
  private trainCache?: { series: Series; features: Features };
  channels = 0;
  summary?: TrainingSummary;

  constructor(config: Partial<CaeOcsvmConfig> = {}) {
    this.config = resolveConfig(config, CAE_OCSVM_SCHEMA, CAE_OCSVM_DEFAULTS, 'cae-ocsvm config');
  }

  get fitted(): boolean {
    return this.net !== undefined && this.svm !== undefined;
  }

  /** Pixels per image, h * w * c. */
  get imageSize(): number {
    const [h, w, c] = this.config.imageShape;
    return h * w * c;
  }

  private get chw(): ChwShape {
    const [h, w, c] = this.config.imageShape;
    return [c, h, w];
  }

  private check(x: Series, what: string): void {
    checkSeries(x, `cae-ocsvm ${what}`, { channels: this.imageSize });
  }

  /** Rows start..start+n of x as a scaled [n, c, h, w] tensor. */
  private images(x: Series, rows: ArrayLike<number>): Tensor {
    const size = this.imageSize;
    const n = rows.length;
    const buf = new Float32Array(n * size);
    const s = this.pixelScale;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const src = x.data.subarray(r * size, (r + 1) * size);
      const off = i * size;
      for (let k = 0; k < size; k++) buf[off + k] = src[k]! * s;
    }
    const [h, w, c] = this.config.imageShape;
    const t = tensor(buf, [n, h, w, c]);
    return c === 1 ? t.reshape([n, 1, h, w]) : t.permute([0, 3, 1, 2]).contiguous();
  }

  /** Binary cross-entropy needs scaled pixels in [0, 1]; say which pixel is not. */
  private checkUnitRange(x: Series): void {
    const s = this.pixelScale;
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i]! * s;
      if (v < 0 || v > 1) {
        throw new Error(
          `cae-ocsvm.fit training data: image ${Math.floor(i / this.imageSize)} has a pixel of ${x.data[i]} (${v} after pixelScale ${s}); loss 'bce' needs pixels in [0, 1]: set pixelScale, or loss 'mse'`,
        );
      }
    }
  }

  private dataset(x: Series): TrainingData {
    return {
      count: x.length,
      batch: (idx) => {
        const img = this.images(x, idx);
        return { x: img, y: img };
      },
    };
  }

  /** Applies fn to consecutive row blocks of x in eval mode, without gradients. */
  private forBatches(x: Series, fn: (images: Tensor, start: number, n: number) => void): void {
    const net = this.requireNet();
    net.eval();
    for (let start = 0; start < x.length; start += INFERENCE_BATCH) {
      const n = Math.min(INFERENCE_BATCH, x.length - start);
      const rows = Int32Array.from({ length: n }, (_, k) => start + k);
      tidy(() => noGrad(() => fn(this.images(x, rows), start, n)));
    }
  }

  /** Standardised encoder features [rows, featureSize] of every image in x. */
  private features(x: Series): Features {
    const net = this.requireNet();
    const f = net.featureSize;
    const values = new Float64Array(x.length * f);
    this.forBatches(x, (img, start) => values.set(net.encode(img).toFloat32Array(), start * f));
    if (this.featureMean && this.featureStd)
      standardise(values, f, this.featureMean, this.featureStd);
    return { values, rows: x.length };
  }

  async fit(trainSeries: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    const c = this.config;
    checkSeries(trainSeries, 'cae-ocsvm.fit training data', { channels: this.imageSize });
    if (options.validation) {
      checkSeries(options.validation, 'cae-ocsvm.fit validation data', {
        channels: this.imageSize,
      });
    }
    this.channels = this.imageSize;
    this.seed = options.seed;
    this.pixelScale = resolvePixelScale(c.pixelScale, trainSeries.data);
    if (c.loss === 'bce') this.checkUnitRange(trainSeries);
    this.featureMean = undefined;
    this.featureStd = undefined;
    this.svm = undefined;
    this.trainCache = undefined;
    seedWeights(options.seed);
    this.net?.dispose();
    this.net = new ConvAutoencoder(this.chw);
    const model = this.net;
    this.summary = await train(
      model,
      (x, y) => (c.loss === 'bce' ? F.bce(model.forward(x), y) : F.mse(model.forward(x), y)),
      this.dataset(trainSeries),
      c,
      trainOptionsFrom(options, options.validation && this.dataset(options.validation)),
    );
    const raw = this.features(trainSeries);
    const { mean, std } = columnStats(raw.values, raw.rows, model.featureSize);
    this.featureMean = mean;
    this.featureStd = std;
    standardise(raw.values, model.featureSize, mean, std);
    this.svm = new OneClassSvm().fit(raw.values, raw.rows, model.featureSize, {
      nu: c.nu,
      gamma: c.gamma,
    });
    this.trainCache = { series: trainSeries, features: raw };
    return this.summary;
  }

  private requireNet(what = 'score'): ConvAutoencoder {
    if (!this.net) throw new NotFittedError('cae-ocsvm', what);
    return this.net;
  }

  private requireSvm(what: string): OneClassSvm {
    this.requireNet(what);
    if (!this.svm) throw new NotFittedError('cae-ocsvm', what);
    return this.svm;
  }

  /** The standardised encoder features [length, featureSize] of each image. */
  encode(x: Series): Float64Array {
    this.requireSvm('encode');
    this.check(x, 'input');
    return this.features(x).values;
  }

  /** One score per image: -(One-Class SVM decision value); higher = more anomalous. */
  score(x: Series): Float32Array {
    const svm = this.requireSvm('score');
    this.check(x, 'input');
    const f = this.features(x);
    return checkScores(Float32Array.from(svm.score(f.values, f.rows)), x, this.name);
  }

  /**
   * The autoencoder alone as a detector: each image's mean squared
   * reconstruction error (of the scaled pixels); higher = more anomalous.
   */
  reconstructionError(x: Series): Float32Array {
    const net = this.requireNet('reconstructionError');
    this.check(x, 'input');
    const out = new Float32Array(x.length);
    this.forBatches(x, (img, start) => {
      out.set(net.forward(img).sub(img).square().mean([1, 2, 3]).toFloat32Array(), start);
    });
    return out;
  }

  /** Per-pixel squared reconstruction error [length, h * w * c], in the input's order. */
  explain(x: Series): Float32Array {
    const net = this.requireNet('explain');
    this.check(x, 'input');
    const size = this.imageSize;
    const out = new Float32Array(x.length * size);
    const c = this.config.imageShape[2];
    this.forBatches(x, (img, start) => {
      let err = net.forward(img).sub(img).square();
      if (c !== 1) err = err.permute([0, 2, 3, 1]).contiguous();
      out.set(err.toFloat32Array(), start * size);
    });
    return out;
  }

  /**
   * AUC-ROC and AUC-PR (average precision) on `test` for each nu, refitting only the SVM
   * (same gamma rule) on the encoder features of `train`, which are computed once (or reused
   * from fit when `train` is the series fit() saw). Labels: non-zero = anomalous. The
   * detector's own SVM is left unchanged.
   */
  nuGrid(
    trainSeries: Series,
    test: Series,
    labels: Uint8Array,
    nus: readonly number[],
  ): NuGridRow[] {
    this.requireSvm('nuGrid');
    this.check(trainSeries, 'nuGrid training data');
    this.check(test, 'nuGrid test data');
    if (labels.length !== test.length) {
      throw new Error(`cae-ocsvm.nuGrid: ${labels.length} labels for ${test.length} test images`);
    }
    nus.forEach(checkNu);
    const f = this.requireNet().featureSize;
    const tr =
      this.trainCache?.series === trainSeries
        ? this.trainCache.features
        : this.features(trainSeries);
    const te = this.features(test);
    return nus.map((nu) => {
      const t0 = performance.now();
      const svm = new OneClassSvm().fit(tr.values, tr.rows, f, { nu, gamma: this.config.gamma });
      const s = svm.score(te.values, te.rows);
      return {
        nu,
        aucRoc: rocAuc(s, labels),
        aucPr: averagePrecision(s, labels),
        supportVectors: svm.toJSON().coef.length,
        seconds: (performance.now() - t0) / 1000,
      };
    });
  }

  /** Live scoring, one image a row: each is scored on its own, as in batch scoring. */
  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    this.requireSvm('stream');
    const channels = this.channels;
    return new PerRowStream<I>(
      this,
      { score: (row) => this.score(createSeries({ data: row, channels }))[0]! },
      options,
    );
  }

  save(dir: string, extras: SaveExtras = {}): void {
    const net = this.requireNet('save');
    const svm = this.requireSvm('save');
    const state = {
      pixelScale: this.pixelScale,
      featureMean: Array.from(this.featureMean!),
      featureStd: Array.from(this.featureStd!),
      svm: svm.toJSON(),
    };
    saveDetector(dir, this, { seed: this.seed, state }, net.stateDict(), extras);
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): CaeOcsvmDetector {
    const d = new CaeOcsvmDetector(manifest.config as Partial<CaeOcsvmConfig>);
    if (manifest.channels !== d.imageSize) {
      throw new Error(
        `manifest channels ${manifest.channels} do not match imageShape [${d.config.imageShape.join(', ')}]`,
      );
    }
    const state = (manifest.state ?? {}) as Record<string, unknown>;
    const pixelScale = state.pixelScale;
    if (typeof pixelScale !== 'number' || !(pixelScale > 0)) {
      throw new Error('cae-ocsvm state lacks a positive pixelScale');
    }
    Object.assign(d, restoredBasics(manifest));
    d.pixelScale = pixelScale;
    d.net = new ConvAutoencoder(d.chw);
    const f = d.net.featureSize;
    const vector = (v: unknown, name: string): Float64Array => {
      if (
        !Array.isArray(v) ||
        v.length !== f ||
        !v.every((e) => typeof e === 'number' && Number.isFinite(e))
      ) {
        throw new Error(`cae-ocsvm state: ${name} must be ${f} finite numbers`);
      }
      return Float64Array.from(v as number[]);
    };
    d.featureMean = vector(state.featureMean, 'featureMean');
    d.featureStd = vector(state.featureStd, 'featureStd');
    const svm = OneClassSvm.fromJSON(state.svm as OneClassSvmState);
    if (svm.cols !== f)
      throw new Error(`cae-ocsvm state: the SVM has ${svm.cols} features, expected ${f}`);
    d.svm = svm;
    d.net.loadStateDict(weights);
    d.net.eval();
    return d;
  }
}

function checkNu(nu: number): void {
  if (typeof nu !== 'number' || !(nu > 0 && nu <= 1)) {
    throw new Error(`cae-ocsvm: nu must be in (0, 1], got ${nu}`);
  }
}

function resolvePixelScale(scale: number | 'auto', data: Float32Array): number {
  if (scale !== 'auto') return scale;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  return max > 1 ? 1 / 255 : 1;
}

/** Per-column mean and population std; a constant column gets std 1. */
function columnStats(
  values: Float64Array,
  rows: number,
  cols: number,
): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const s = columnMeanStd(values, j, cols, rows);
    mean[j] = s.mean;
    std[j] = s.std > 1e-12 ? s.std : 1;
  }
  return { mean, std };
}

function standardise(
  values: Float64Array,
  cols: number,
  mean: Float64Array,
  std: Float64Array,
): void {
  for (let i = 0; i < values.length; i++) {
    const j = i % cols;
    values[i] = (values[i]! - mean[j]!) / std[j]!;
  }
}
