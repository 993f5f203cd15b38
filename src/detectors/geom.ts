// Self-supervised geometric-transformation detector for images (the idea of Golan and
// El-Yaniv, NeurIPS 2018, and GOAD, ICLR 2020; our own network and training). A small CNN
// learns, on normal images only, to tell which of K transformations (rotations by multiples
// of 90 degrees, a horizontal flip, translations) was applied to an image. On images like
// the normal ones it recognises them; on others it is confused. The score of an image is
// the negative mean log-probability the network gives the right transformation over all K
// transformed copies: 0 when it is sure and right, higher = more anomalous.
//
// Data layout as the other image detectors (image-rows.ts): one image a row, flattened in
// [h, w, c] order, `imageShape: [h, w, c]`; any size and channel count. Non-square images
// are zero-padded to a centred square when rotations are on (a rotation must keep the
// shape). Pixels go through the shared image normaliser (`normalization`, learnt on the
// training images, src/data/image-normalization.ts); with 'none' they are multiplied by
// `pixelScale` ('auto': 1/255 when the training maximum exceeds 1, else 1). Both are
// resolved in fit and saved.
//
// Cost: each epoch trains on every (image, transformation) pair, K times the images, and
// scoring runs the network K times per image; so K sets the price (see README).
//
// explain() gives, per pixel, how strongly the score reacts to it: the absolute gradient of
// the score with respect to the pixel, scaled so that each image's row sums to its score.
import { cat, noGrad, tensor, tidy, F, type Tensor } from '../engine/index.js';
import type { Series } from '../data/series.js';
import {
  applyTransform,
  transformList,
  type GeometricTransform,
} from '../models/geometric-transforms.js';
import { TransformClassifier } from '../models/transform-classifier.js';
import {
  seedWeights,
  train,
  trainOptionsFrom,
  type TrainingConfig,
  type TrainingData,
} from '../models/trainer.js';
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
import { ConfigError } from '../config/errors.js';
import { trainingFields, FIXED_EPOCHS, imageShapeField } from './config-fields.js';
import {
  channelsFirst,
  imageBatch,
  imageBatchHwc,
  pixelsPerImage,
  pixelTransform,
  resolvePixelScale,
  perImageStream,
  rowRange,
  type PixelTransform,
} from './image-rows.js';
import {
  ImageNormalizer,
  IMAGE_NORMALIZATIONS,
  type ImageNormalization,
} from '../data/image-normalization.js';
import type { StreamOptions, StreamScorer } from './stream-scorer.js';

/** The trainer's fields; an epoch is one pass over every (image, transformation) pair. */
export interface GeomConfig extends Omit<TrainingConfig, 'weightDecay' | 'validationSplit'> {
  /** Image shape [height, width, channels]; a Series row holds h * w * c pixels in that order. */
  imageShape: [number, number, number];
  /** Factor applied to every pixel; 'auto' = 1/255 when the training maximum exceeds 1, else 1. */
  pixelScale: number | 'auto';
  /** Per-image normalisation learnt on the training images; 'none': pixels times pixelScale. */
  normalization: ImageNormalization;
  /** The four rotations by 0, 90, 180 and 270 degrees. */
  rotate: boolean;
  /** Each of the others with and without a horizontal flip. */
  flip: boolean;
  /** Translations by -shift, 0, +shift pixels along x and y (nine); 0 = none. */
  shift: number;
  /** Convolution widths, one block (conv, batch norm, ReLU, max-pool) each. */
  widths: number[];
  /** Share of the training images' pairs held out for early stopping (without validation data). */
  validationSplit: number;
}

export const GEOM_DEFAULTS: GeomConfig = {
  imageShape: [28, 28, 1],
  pixelScale: 'auto',
  normalization: 'none',
  rotate: true,
  flip: true,
  shift: 0,
  widths: [16, 32, 64],
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-3,
  ...FIXED_EPOCHS,
};

export const GEOM_SCHEMA: Schema = {
  imageShape: imageShapeField,
  pixelScale: { type: 'number-or-enum', values: ['auto'], min: 0, exclusiveMin: true },
  normalization: { type: 'enum', values: IMAGE_NORMALIZATIONS },
  rotate: { type: 'boolean' },
  flip: { type: 'boolean' },
  shift: { type: 'int', min: 0 },
  widths: { type: 'int[]', min: 1, max: 1024, minLength: 1 },
  ...trainingFields,
};

const INFERENCE_BATCH = 256;

export class GeomDetector implements Detector {
  readonly name = 'geom';
  readonly config: GeomConfig;
  /** The K transformations, index = class. */
  readonly transforms: readonly GeometricTransform[];
  private net?: TransformClassifier;
  private pixelScale = 1;
  private normalizer = ImageNormalizer.fit('none', new Float32Array(0), 1);
  private transform: PixelTransform = pixelTransform(this.normalizer, 1);
  private seed?: number;
  channels = 0;
  summary?: TrainingSummary;

  constructor(config: Partial<GeomConfig> = {}) {
    this.config = resolveConfig(config, GEOM_SCHEMA, GEOM_DEFAULTS, 'geom config');
    const c = this.config;
    this.transforms = transformList(c);
    if (this.transforms.length < 2)
      throw new ConfigError(
        'geom config: rotate, flip and shift give a single transformation; turn on at least one',
      );
    const [h, w] = c.imageShape;
    if (c.shift >= Math.min(h, w))
      throw new ConfigError(
        `geom config.shift: ${c.shift} must be smaller than the image's height and width (${h}x${w})`,
      );
  }

  get fitted(): boolean {
    return this.net !== undefined;
  }

  /** K, the number of transformations. */
  get transformCount(): number {
    return this.transforms.length;
  }

  get imageSize(): number {
    return pixelsPerImage(this.config.imageShape);
  }

  /** Side of the square the network sees (the shorter side when there is no rotation). */
  private get side(): number {
    const [h, w] = this.config.imageShape;
    return this.config.rotate ? Math.max(h, w) : Math.min(h, w);
  }

  private newNet(): TransformClassifier {
    const c = this.config;
    return new TransformClassifier(c.imageShape[2], this.side, c.widths, this.transformCount);
  }

  /** Rows of x as scaled or normalised [n, c, s, s] tensors. */
  private images(x: Series, rows: ArrayLike<number>): Tensor {
    return this.squared(imageBatch(x, rows, this.config.imageShape, this.transform));
  }

  /** Images [n, c, h, w] zero-padded to a centred square when rotations need one. */
  private squared(t: Tensor): Tensor {
    const [h, w] = this.config.imageShape;
    if (!this.config.rotate || h === w) return t;
    const s = Math.max(h, w);
    const top = Math.floor((s - h) / 2);
    const left = Math.floor((s - w) / 2);
    return t.pad([left, s - w - left, top, s - h - top]);
  }

  private check(x: Series, what: string): void {
    checkSeries(x, `geom ${what}`, { channels: this.imageSize });
  }

  /** Every (image, transformation) pair: example i is image floor(i / K) under transformation i % K. */
  private dataset(x: Series): TrainingData {
    const k = this.transformCount;
    return {
      count: x.length * k,
      batch: (idx) => {
        const byTransform: number[][] = Array.from({ length: k }, () => []);
        for (const i of idx) byTransform[i % k]!.push(Math.floor(i / k));
        const inputs: Tensor[] = [];
        const labels = new BigInt64Array(idx.length);
        let filled = 0;
        byTransform.forEach((rows, t) => {
          if (rows.length === 0) return;
          inputs.push(applyTransform(this.images(x, rows), this.transforms[t]!));
          labels.fill(BigInt(t), filled, filled + rows.length);
          filled += rows.length;
        });
        return { x: cat(inputs), y: tensor(labels, [idx.length]) };
      },
    };
  }

  async fit(trainSeries: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    const c = this.config;
    checkSeries(trainSeries, 'geom.fit training data', { channels: this.imageSize });
    if (options.validation)
      checkSeries(options.validation, 'geom.fit validation data', { channels: this.imageSize });
    this.channels = this.imageSize;
    this.seed = options.seed;
    this.pixelScale = resolvePixelScale(c.pixelScale, trainSeries.data);
    this.normalizer = ImageNormalizer.fit(c.normalization, trainSeries.data, this.imageSize);
    this.transform = pixelTransform(this.normalizer, this.pixelScale);
    seedWeights(options.seed);
    this.net?.dispose();
    this.net = this.newNet();
    const model = this.net;
    this.summary = await train(
      model,
      (x, y) => F.crossEntropy(model.forward(x), y),
      this.dataset(trainSeries),
      c,
      trainOptionsFrom(options, options.validation && this.dataset(options.validation)),
    );
    return this.summary;
  }

  private requireNet(what: string): TransformClassifier {
    if (!this.net) throw new NotFittedError('geom', what);
    return this.net;
  }

  /**
   * Log-probability of the right transformation, [n, K] flattened (image-major), for the
   * images [n, c, s, s]; differentiable with respect to them.
   */
  private logProbabilities(net: TransformClassifier, images: Tensor): Tensor {
    const columns = this.transforms.map((t, k) =>
      net
        .forward(applyTransform(images, t))
        .logSoftmax(1)
        .slice(1, k, k + 1),
    );
    return cat(columns, 1);
  }

  /** Each image's log-probability of the right transformation, [length * K], image-major. */
  transformLogProbabilities(x: Series): Float32Array {
    const net = this.requireNet('transformLogProbabilities');
    this.check(x, 'input');
    net.eval();
    const k = this.transformCount;
    const out = new Float32Array(x.length * k);
    for (let start = 0; start < x.length; start += INFERENCE_BATCH) {
      const n = Math.min(INFERENCE_BATCH, x.length - start);
      tidy(() =>
        noGrad(() => {
          const lp = this.logProbabilities(net, this.images(x, rowRange(start, n)));
          out.set(lp.toFloat32Array(), start * k);
        }),
      );
    }
    return out;
  }

  /** One score per image: -(mean over the K transformations of log p(right one)); >= 0. */
  score(x: Series): Float32Array {
    const lp = this.transformLogProbabilities(x);
    const k = this.transformCount;
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let sum = 0;
      for (let t = 0; t < k; t++) sum += lp[i * k + t]!;
      // -0 and rounding below 0 read as 0: the score is a cross-entropy.
      out[i] = Math.max(0, -sum / k);
    }
    return checkScores(out, x, this.name);
  }

  /** Per-pixel |d score / d pixel|, each row scaled to sum to the image's score; [length, h*w*c]. */
  explain(x: Series): Float32Array {
    const net = this.requireNet('explain');
    this.check(x, 'input');
    const scores = this.score(x);
    net.eval();
    const size = this.imageSize;
    const out = new Float32Array(x.length * size);
    const k = this.transformCount;
    for (let start = 0; start < x.length; start += INFERENCE_BATCH) {
      const n = Math.min(INFERENCE_BATCH, x.length - start);
      tidy(() => {
        // A leaf in the rows' own [h, w, c] order: its gradient is already laid out as output.
        const pixels = imageBatchHwc(
          x,
          rowRange(start, n),
          this.config.imageShape,
          this.transform,
        ).requireGrad();
        this.logProbabilities(net, this.squared(channelsFirst(pixels)))
          .sum()
          .mul(-1 / k)
          .backward();
        out.set(pixels.grad!.abs().toFloat32Array(), start * size);
      });
    }
    for (let i = 0; i < x.length; i++) {
      const row = out.subarray(i * size, (i + 1) * size);
      let sum = 0;
      for (const v of row) sum += v;
      const f = sum > 0 ? scores[i]! / sum : 0;
      for (let p = 0; p < size; p++) row[p] = row[p]! * f;
    }
    // Parameter gradients from these backward passes are not training's: clear them.
    for (const p of net.parameters()) p.zeroGrad();
    return out;
  }

  /** Live scoring, one image a row: each is scored on its own, as in batch scoring. */
  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    this.requireNet('stream');
    return perImageStream(this, options);
  }

  save(dir: string, extras: SaveExtras = {}): void {
    const net = this.requireNet('save');
    const state = {
      pixelScale: this.pixelScale,
      normalizer: this.normalizer.toJSON(),
      transforms: this.transformCount,
    };
    saveDetector(dir, this, { seed: this.seed, state }, net.stateDict(), extras);
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): GeomDetector {
    const d = new GeomDetector(manifest.config as Partial<GeomConfig>);
    if (manifest.channels !== d.imageSize)
      throw new Error(
        `manifest channels ${manifest.channels} do not match imageShape [${d.config.imageShape.join(', ')}]`,
      );
    const state = (manifest.state ?? {}) as Record<string, unknown>;
    const pixelScale = state.pixelScale;
    if (typeof pixelScale !== 'number' || !(pixelScale > 0))
      throw new Error('geom state lacks a positive pixelScale');
    if (state.transforms !== d.transformCount)
      throw new Error(
        `geom state: the model was trained on ${String(state.transforms)} transformations, the config gives ${d.transformCount}`,
      );
    Object.assign(d, restoredBasics(manifest));
    d.pixelScale = pixelScale;
    // Models saved before normalisation existed scaled pixels only.
    d.normalizer = ImageNormalizer.fromJSON(
      state.normalizer ?? { kind: 'none', min: 0, max: 1 },
      'geom state',
    );
    d.transform = pixelTransform(d.normalizer, pixelScale);
    d.net = d.newNet();
    d.net.loadStateDict(weights);
    d.net.eval();
    return d;
  }
}
