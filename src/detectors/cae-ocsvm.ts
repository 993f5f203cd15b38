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
import { F, type Tensor } from '../engine/index.js';
import type { Series } from '../data/series.js';
import { ConvAutoencoder } from '../models/conv-autoencoder.js';
import {
  ImageNormalizer,
  IMAGE_NORMALIZATIONS,
  type ImageNormalization,
} from '../data/image-normalization.js';
import {
  chwOf,
  forImageBatches,
  imageBatch,
  perImageStream,
  pixelTransform,
  resolvePixelScale,
  rowsOfImages,
  type PixelTransform,
} from './image-rows.js';
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
import {
  trainingFields,
  type TrainingFields,
  FIXED_EPOCHS,
  imageShapeField,
} from './config-fields.js';
import { columnMeanStd } from '../data/column-stats.js';
import type { StreamOptions, StreamScorer } from './stream-scorer.js';

/** With the trainer's fields (validationSplit: a share of the training images). */
export interface CaeOcsvmConfig extends TrainingFields {
  /** Image shape [height, width, channels]; a Series row holds h * w * c pixels in that order. */
  imageShape: [number, number, number];
  /** Factor applied to every pixel; 'auto' = 1/255 when the training maximum exceeds 1, else 1. */
  pixelScale: number | 'auto';
  /**
   * Per-image normalisation learnt on the training images (src/data/image-normalization.ts):
   * 'none' (pixels times pixelScale), 'minmax', or 'gcn-minmax' (Deep SVDD's); 'auto' is
   * 'gcn-minmax' for colour images and 'none' for grey ones. Both normalisations are
   * independent of pixelScale. On CIFAR-10 (development split, seed 1) gcn-minmax lifted
   * ship from 0.604 to 0.642 AUC-ROC (reconstruction error alone 0.686 to 0.782) and left
   * cat at chance (0.445 to 0.435; reconstruction 0.540 to 0.596): without it, brightness
   * and contrast dominate what the autoencoder keeps.
   */
  normalization: ImageNormalization | 'auto';
  /** Widths of the autoencoder's three encoder convolutions; features = last x (h/8) x (w/8). */
  encoderChannels: [number, number, number];
  /** 'relu' after the last encoder convolution, or 'linear' (features may be negative). */
  bottleneck: 'relu' | 'linear';
  /**
   * 'standardize': each encoder feature to mean 0, std 1 over the training images before the
   * SVM; 'none': the features as the encoder gives them (gamma 'scale' adapts to their overall
   * spread, so relative scales between features are kept).
   */
  featureScaling: 'standardize' | 'none';
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
  normalization: 'auto',
  encoderChannels: [16, 8, 4],
  bottleneck: 'relu',
  featureScaling: 'standardize',
  loss: 'bce',
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-3,
  ...FIXED_EPOCHS,
  nu: 0.1,
  gamma: 'scale',
};

/** The fields of cae-ocsvm's config, their types and ranges. */
export const CAE_OCSVM_SCHEMA: Schema = {
  imageShape: imageShapeField,
  pixelScale: { type: 'number-or-enum', values: ['auto'], min: 0, exclusiveMin: true },
  normalization: { type: 'enum', values: [...IMAGE_NORMALIZATIONS, 'auto'] },
  encoderChannels: { type: 'int[]', min: 1, max: 1024, length: 3 },
  bottleneck: { type: 'enum', values: ['relu', 'linear'] },
  featureScaling: { type: 'enum', values: ['standardize', 'none'] },
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

export class CaeOcsvmDetector implements Detector {
  readonly name = 'cae-ocsvm';
  readonly config: CaeOcsvmConfig;
  private net?: ConvAutoencoder;
  private svm?: OneClassSvm;
  private featureMean?: Float64Array;
  private featureStd?: Float64Array;
  private pixelScale = 1;
  private normalizer?: ImageNormalizer;
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

  private newNet(): ConvAutoencoder {
    const c = this.config;
    return new ConvAutoencoder(chwOf(c.imageShape), c.encoderChannels, c.bottleneck);
  }

  /** Pixels of one image into dst: normalised, or times pixelScale (set in fit and load). */
  private transform: PixelTransform = () => {
    throw new NotFittedError('cae-ocsvm', 'score');
  };

  private check(x: Series, what: string): void {
    checkSeries(x, `cae-ocsvm ${what}`, { channels: this.imageSize });
  }

  /** The rows of x at `rows` as a scaled (or normalised) [n, c, h, w] tensor. */
  private images(x: Series, rows: ArrayLike<number>): Tensor {
    return imageBatch(x, rows, this.config.imageShape, this.transform);
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
    forImageBatches(this.requireNet(), x, this.config.imageShape, this.transform, fn);
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
    const kind: ImageNormalization =
      c.normalization !== 'auto' ? c.normalization : c.imageShape[2] > 1 ? 'gcn-minmax' : 'none';
    this.normalizer = ImageNormalizer.fit(kind, trainSeries.data, this.imageSize);
    this.transform = pixelTransform(this.normalizer, this.pixelScale);
    // Min-max puts every training pixel in [0, 1] already.
    if (c.loss === 'bce' && kind === 'none') this.checkUnitRange(trainSeries);
    this.featureMean = undefined;
    this.featureStd = undefined;
    this.svm = undefined;
    this.trainCache = undefined;
    seedWeights(options.seed);
    this.net?.dispose();
    this.net = this.newNet();
    const model = this.net;
    this.summary = await train(
      model,
      (x, y) => (c.loss === 'bce' ? F.bce(model.forward(x), y) : F.mse(model.forward(x), y)),
      this.dataset(trainSeries),
      c,
      trainOptionsFrom(options, options.validation && this.dataset(options.validation)),
    );
    const raw = this.features(trainSeries);
    const { mean, std } =
      c.featureScaling === 'standardize'
        ? columnStats(raw.values, raw.rows, model.featureSize)
        : {
            mean: new Float64Array(model.featureSize),
            std: new Float64Array(model.featureSize).fill(1),
          };
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

  /** Number of encoder features per image (fitted or loaded detectors). */
  get featureSize(): number {
    return this.requireNet('featureSize').featureSize;
  }

  /** The encoder features [length, featureSize] of each image, scaled as for the SVM. */
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
    this.forBatches(x, (img, start) => {
      out.set(rowsOfImages(net.forward(img).sub(img).square()), start * size);
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
    return perImageStream<I>(this, options);
  }

  save(dir: string, extras: SaveExtras = {}): void {
    const net = this.requireNet('save');
    const svm = this.requireSvm('save');
    const state = {
      pixelScale: this.pixelScale,
      normalizer: this.normalizer!.toJSON(),
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
    // Models saved before normalisation existed scaled pixels only.
    d.normalizer = ImageNormalizer.fromJSON(
      state.normalizer ?? { kind: 'none', min: 0, max: 1 },
      'cae-ocsvm state',
    );
    d.transform = pixelTransform(d.normalizer, d.pixelScale);
    d.net = d.newNet();
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
