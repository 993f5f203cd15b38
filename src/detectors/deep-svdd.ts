// Deep SVDD (Ruff et al., ICML 2018): a bias-free convolutional encoder maps the normal
// images into a small hypersphere around a centre c; the score of an image is its squared
// distance from c in that space (soft-boundary: minus the squared radius R², so it can be
// negative inside the sphere).
//
// - Images are normalised as in the paper (`normalization: 'gcn-minmax'`: global contrast
//   normalisation with the l1 norm per image, then min-max with the training images' range;
//   src/data/image-normalization.ts).
// - Optional autoencoder pre-training (`pretrainEpochs` > 0): the encoder and a mirrored
//   decoder learn to reconstruct the normal images (mean squared error); the encoder's
//   weights then start Deep SVDD training.
// - c is the mean representation of the training images from the first forward pass (after
//   pre-training, in eval mode); coordinates closer to 0 than `eps` are moved to ±eps, so a
//   bias-free network with zero weights cannot reach c trivially (as the authors' code).
// - 'one-class' minimises the mean squared distance to c; 'soft-boundary' minimises
//   R² + (1/nu) mean(max(0, d² - R²)), with R set after each batch, once `warmUpEpochs`
//   epochs have passed, to the (1 - nu) quantile of the batch's distances; after training,
//   once more from all training images in eval mode (the distances scoring uses).
// - Adam with weight decay (the paper's network regulariser).
//
// Data layout as cae-ocsvm: a row is one image flattened in [h, w, c] order.
// explain(): per pixel, |gradient of the score x normalised pixel| (gradient times input):
// where the distance is most sensitive; it does not sum to the score.
import { F, tensor, tidy, type Tensor } from '../engine/index.js';
import type { Series } from '../data/series.js';
import {
  ImageNormalizer,
  IMAGE_NORMALIZATIONS,
  type ImageNormalization,
} from '../data/image-normalization.js';
import { SvddAutoencoder, SvddEncoder } from '../models/deep-svdd-network.js';
import { seedWeights, train, trainOptionsFrom, type TrainingData } from '../models/trainer.js';
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
import { layerSizes, trainingFields, FIXED_EPOCHS, imageShapeField } from './config-fields.js';
import type { StreamOptions, StreamScorer } from './stream-scorer.js';
import { chwOf, forImageBatches, imageBatch, perImageStream, rowsOfImages } from './image-rows.js';

export interface DeepSvddConfig {
  /** Image shape [height, width, channels]; a Series row holds h * w * c pixels in that order. */
  imageShape: [number, number, number];
  /** Per-image preprocessing learnt on the training images ('gcn-minmax': the paper's). */
  normalization: ImageNormalization;
  objective: 'one-class' | 'soft-boundary';
  /** Soft-boundary: the share of training images allowed outside the sphere, in (0, 1]. */
  nu: number;
  /** Output channels of each conv block (one max-pool 2 each). */
  channels: number[];
  /** Size of the representation. */
  repDim: number;
  /** Odd kernel size of the convolutions. */
  kernel: number;
  /** Autoencoder pre-training epochs; 0 = none (the encoder starts from random weights). */
  pretrainEpochs: number;
  /** Soft-boundary: epochs before R is first updated. */
  warmUpEpochs: number;
  /** Adam's L2 weight decay, the paper's regulariser on the network weights. */
  weightDecay: number;
  /** Centre coordinates closer to 0 than this are moved to ±eps. */
  eps: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  minDelta: number;
  validationSplit: number;
}

export const DEEP_SVDD_DEFAULTS: DeepSvddConfig = {
  imageShape: [28, 28, 1],
  normalization: 'gcn-minmax',
  objective: 'one-class',
  nu: 0.1,
  channels: [32, 64, 128],
  repDim: 128,
  kernel: 5,
  pretrainEpochs: 20,
  warmUpEpochs: 10,
  weightDecay: 1e-6,
  eps: 0.1,
  epochs: 30,
  batchSize: 128,
  learningRate: 1e-4,
  ...FIXED_EPOCHS,
};

export const DEEP_SVDD_SCHEMA: Schema = {
  imageShape: imageShapeField,
  normalization: { type: 'enum', values: IMAGE_NORMALIZATIONS },
  objective: { type: 'enum', values: ['one-class', 'soft-boundary'] },
  nu: { type: 'number', min: 0, max: 1, exclusiveMin: true },
  channels: layerSizes(1),
  repDim: { type: 'int', min: 1, max: 65_536 },
  kernel: { type: 'int', min: 1, max: 15, odd: true },
  pretrainEpochs: { type: 'int', min: 0 },
  warmUpEpochs: { type: 'int', min: 0 },
  weightDecay: { type: 'number', min: 0 },
  eps: { type: 'number', min: 0 },
  ...trainingFields,
};

/** The (1 - nu) quantile of the distances (sqrt of squared distances), squared: R². */
function radiusSquared(dist: Float32Array, nu: number): number {
  const r = Array.from(dist, (d) => Math.sqrt(Math.max(0, d))).sort((a, b) => a - b);
  const q = (1 - nu) * (r.length - 1);
  const lo = Math.floor(q);
  const hi = Math.min(r.length - 1, lo + 1);
  const v = r[lo]! + (q - lo) * (r[hi]! - r[lo]!);
  return v * v;
}

export class DeepSvddDetector implements Detector {
  readonly name = 'deep-svdd';
  readonly config: DeepSvddConfig;
  private net?: SvddEncoder;
  private normalizer?: ImageNormalizer;
  private centre?: Float32Array;
  /** Squared radius (soft-boundary; 0 for one-class). */
  private r2 = 0;
  private seed?: number;
  channels = 0;
  summary?: TrainingSummary;
  /** The pre-training summary, when the autoencoder was pre-trained. */
  pretrainSummary?: TrainingSummary;

  constructor(config: Partial<DeepSvddConfig> = {}) {
    this.config = resolveConfig(config, DEEP_SVDD_SCHEMA, DEEP_SVDD_DEFAULTS, 'deep-svdd config');
    const [h, w] = this.config.imageShape;
    const m = 2 ** this.config.channels.length;
    if (h < m / 2 || w < m / 2)
      throw new Error(
        `deep-svdd config.channels: ${this.config.channels.length} pooling blocks need images of at least ${m / 2} x ${m / 2} pixels, imageShape is [${this.config.imageShape.join(', ')}]`,
      );
  }

  get fitted(): boolean {
    return this.net !== undefined && this.centre !== undefined;
  }

  private get imageSize(): number {
    const [h, w, c] = this.config.imageShape;
    return h * w * c;
  }

  private readonly transform = (src: Float32Array, dst: Float32Array, offset: number) =>
    this.normalizer!.apply(src, dst, offset);

  private batch(x: Series, rows: ArrayLike<number>): Tensor {
    return imageBatch(x, rows, this.config.imageShape, this.transform);
  }

  private dataset(x: Series): TrainingData {
    return {
      count: x.length,
      batch: (idx) => {
        const img = this.batch(x, idx);
        return { x: img, y: img };
      },
    };
  }

  /** Squared distance of each representation row from the centre, [n]. */
  private dist(z: Tensor): Tensor {
    const c = tensor(this.centre!, [1, this.config.repDim]);
    return z.sub(c).square().sum(1);
  }

  async fit(trainSeries: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    const c = this.config;
    checkSeries(trainSeries, 'deep-svdd.fit training data', { channels: this.imageSize });
    if (options.validation)
      checkSeries(options.validation, 'deep-svdd.fit validation data', {
        channels: this.imageSize,
      });
    this.channels = this.imageSize;
    this.seed = options.seed;
    this.centre = undefined;
    this.r2 = 0;
    this.normalizer = ImageNormalizer.fit(c.normalization, trainSeries.data, this.imageSize);
    seedWeights(options.seed);
    this.net = new SvddEncoder(chwOf(c.imageShape), c);
    const net = this.net;
    const validation = options.validation && this.dataset(options.validation);
    this.pretrainSummary = undefined;
    if (c.pretrainEpochs > 0) {
      const ae = new SvddAutoencoder(net);
      this.pretrainSummary = await train(
        ae,
        (x, y) => F.mse(ae.forward(x), y),
        this.dataset(trainSeries),
        { ...c, epochs: c.pretrainEpochs },
        // Pre-training reports no epochs: onEpoch counts Deep SVDD's own.
        trainOptionsFrom({ seed: options.seed, signal: options.signal }, validation),
      );
    }
    this.centre = this.initialCentre(trainSeries);
    let epoch = 1;
    const onEpoch = options.onEpoch;
    this.summary = await train(
      net,
      (x) => {
        const d = this.dist(net.forward(x));
        if (c.objective === 'one-class') return d.mean();
        if (net.training && epoch > c.warmUpEpochs) {
          // R follows the batch after warm-up: the (1 - nu) quantile of its distances.
          this.r2 = radiusSquared(d.detach().toFloat32Array(), c.nu);
        }
        return d
          .sub(this.r2)
          .relu()
          .mean()
          .mul(1 / c.nu)
          .add(this.r2);
      },
      this.dataset(trainSeries),
      c,
      trainOptionsFrom(
        {
          seed: options.seed,
          signal: options.signal,
          onEpoch: (r) => {
            epoch = r.epoch + 1;
            onEpoch?.(r);
          },
        },
        validation,
      ),
    );
    if (c.objective === 'soft-boundary') {
      // Batch norm normalises by batch statistics in training and by running ones when
      // scoring, so R is set once more from every training image as scored: then about nu
      // of them score above 0, as the objective intends.
      this.r2 = 0;
      this.r2 = radiusSquared(this.score(trainSeries), c.nu);
    }
    return this.summary;
  }

  /** Mean representation of the training images in eval mode, away from 0 by eps. */
  private initialCentre(x: Series): Float32Array {
    const net = this.net!;
    const rep = this.config.repDim;
    const sum = new Float64Array(rep);
    forImageBatches(net, x, this.config.imageShape, this.transform, (img) => {
      const z = net.forward(img).sum(0).toFloat32Array();
      for (let j = 0; j < rep; j++) sum[j] += z[j]!;
    });
    const eps = this.config.eps;
    return Float32Array.from(sum, (s) => {
      const v = s / x.length;
      return Math.abs(v) < eps ? (v < 0 ? -eps : eps) : v;
    });
  }

  private requireFitted(what: string): SvddEncoder {
    if (!this.net || !this.centre) throw new NotFittedError('deep-svdd', what);
    return this.net;
  }

  private check(x: Series): void {
    checkSeries(x, 'deep-svdd input', { channels: this.imageSize });
  }

  /** The representations [length, repDim] of each image. */
  encode(x: Series): Float32Array {
    const net = this.requireFitted('encode');
    this.check(x);
    const rep = this.config.repDim;
    const out = new Float32Array(x.length * rep);
    forImageBatches(net, x, this.config.imageShape, this.transform, (img, start) =>
      out.set(net.forward(img).toFloat32Array(), start * rep),
    );
    return out;
  }

  /** One score per image: squared distance from the centre (soft-boundary: minus R²). */
  score(x: Series): Float32Array {
    const net = this.requireFitted('score');
    this.check(x);
    const out = new Float32Array(x.length);
    forImageBatches(net, x, this.config.imageShape, this.transform, (img, start) => {
      const d = this.dist(net.forward(img)).toFloat32Array();
      for (let i = 0; i < d.length; i++) out[start + i] = d[i]! - this.r2;
    });
    return checkScores(out, x, this.name);
  }

  /** |gradient of the score x normalised pixel|, [length, h * w * c] in the input's order. */
  explain(x: Series): Float32Array {
    const net = this.requireFitted('explain');
    this.check(x);
    const size = this.imageSize;
    const out = new Float32Array(x.length * size);
    net.eval();
    const step = 64;
    for (let start = 0; start < x.length; start += step) {
      const n = Math.min(step, x.length - start);
      const rows = Int32Array.from({ length: n }, (_, k) => start + k);
      tidy(() => {
        const img = this.batch(x, rows).detach().requireGrad();
        this.dist(net.forward(img)).sum().backward();
        out.set(rowsOfImages(img.grad!.mul(img).abs()), start * size);
      });
    }
    for (const p of net.parameters()) p.zeroGrad();
    return out;
  }

  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    this.requireFitted('stream');
    return perImageStream<I>(this, options);
  }

  save(dir: string, extras: SaveExtras = {}): void {
    const net = this.requireFitted('save');
    const state = {
      normalizer: this.normalizer!.toJSON(),
      centre: Array.from(this.centre!),
      radiusSquared: this.r2,
      ...(this.pretrainSummary && { pretrainFinalLoss: this.pretrainSummary.finalLoss }),
    };
    saveDetector(dir, this, { seed: this.seed, state }, net.stateDict(), extras);
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): DeepSvddDetector {
    const d = new DeepSvddDetector(manifest.config as Partial<DeepSvddConfig>);
    if (manifest.channels !== d.imageSize)
      throw new Error(
        `manifest channels ${manifest.channels} do not match imageShape [${d.config.imageShape.join(', ')}]`,
      );
    Object.assign(d, restoredBasics(manifest));
    const state = (manifest.state ?? {}) as Record<string, unknown>;
    d.normalizer = ImageNormalizer.fromJSON(state.normalizer, 'deep-svdd state');
    const centre = state.centre;
    if (
      !Array.isArray(centre) ||
      centre.length !== d.config.repDim ||
      !centre.every((v) => typeof v === 'number' && Number.isFinite(v))
    )
      throw new Error(`deep-svdd state: centre must be ${d.config.repDim} finite numbers`);
    const r2 = state.radiusSquared;
    if (typeof r2 !== 'number' || !(r2 >= 0) || !Number.isFinite(r2))
      throw new Error('deep-svdd state: radiusSquared must be a finite number >= 0');
    d.centre = Float32Array.from(centre as number[]);
    d.r2 = r2;
    d.net = new SvddEncoder(chwOf(d.config.imageShape), d.config);
    d.net.loadStateDict(weights);
    d.net.eval();
    return d;
  }
}
