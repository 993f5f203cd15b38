// Autoencoder: learns to reconstruct windows of `window` steps of normal data through
// a narrow code (dense, LSTM or Conv1d network); the score of a step is its squared
// reconstruction error, optionally smoothed and divided by the standard deviation of
// the training scores.
//
// Alignment: scoring reconstructs every window (stride 1). Step t lies in the windows
// starting at max(0, t - window + 1) .. min(t, steps - window); its per-channel error is
// the mean over those windows of the squared error at t, and its score is the mean of
// that over channels (explain gives the per-channel terms, which sum to the score). Every
// step is covered, the first and last window - 1 steps by fewer windows.
import { manualSeed, noGrad, tensor, tidy, F, type Module, type Tensor } from '../engine/index.js';
import { Scaler, type ScalerKind } from '../data/scalers.js';
import { downsample } from '../data/downsample.js';
import type { Series } from '../data/series.js';
import {
  buildAutoencoderNetwork,
  type AutoencoderNetworkConfig,
  type AutoencoderNetworkKind,
} from '../models/autoencoder-networks.js';
import { checkTraining, train, trainOptionsFrom, type TrainingData } from '../models/trainer.js';
import { smooth, type SmoothingConfig } from './smoothing.js';
import { checkScores, checkSeries } from './input-checks.js';
import { unitStdScale } from './score-scale.js';
import type { Manifest, SaveExtras } from './model-dir.js';
import { restoredBasics, saveDetector } from './saved-detector.js';
import {
  RescoringStream,
  smoothingContext,
  type StreamOptions,
  type StreamScorer,
} from './stream-scorer.js';
import { rowSums, upsampleRows } from './window-alignment.js';
import type { Detector, FitOptions, TrainingSummary } from './detector.js';

export interface AutoencoderConfig {
  network: AutoencoderNetworkKind;
  window: number;
  /** Steps between training windows (1 = every window). */
  trainShift: number;
  /** Encoder widths, outside in (see AutoencoderNetworkConfig); the decoder mirrors them. */
  hidden: number[];
  bottleneck: number;
  /** conv1d only: odd kernel size. */
  kernel: number;
  dropout: number;
  /** Keep every r-th block mean before modelling; scores are spread back to full rate. */
  downsample: number;
  scaler: ScalerKind | 'none';
  smoothing: SmoothingConfig;
  /** Divide scores by the standard deviation of the training scores. */
  normalize: boolean;
  /** The most epochs: early stopping usually ends training sooner. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Early stopping: epochs without a validation improvement of at least minDelta; 0 = never. */
  patience: number;
  /** Smallest drop of the validation loss (mean squared error of scaled data) that counts. */
  minDelta: number;
  /**
   * Share of the training windows held out (seeded shuffle) for early stopping when fit gets
   * no validation series; 0 = none (the training loss is monitored).
   */
  validationSplit: number;
}

export const AUTOENCODER_DEFAULTS: AutoencoderConfig = {
  network: 'dense',
  window: 48,
  trainShift: 1,
  hidden: [64, 32],
  bottleneck: 8,
  kernel: 5,
  dropout: 0,
  downsample: 1,
  scaler: 'zscore',
  smoothing: { kind: 'none', span: 1 },
  normalize: false,
  epochs: 30,
  batchSize: 256,
  learningRate: 1e-3,
  patience: 5,
  minDelta: 1e-4,
  validationSplit: 0.2,
};

const NETWORK_DEFAULTS: Record<AutoencoderNetworkKind, { hidden: number[]; bottleneck: number }> = {
  dense: { hidden: [64, 32], bottleneck: 8 },
  lstm: { hidden: [32], bottleneck: 16 },
  conv1d: { hidden: [16, 32], bottleneck: 8 },
};

export class Autoencoder implements Detector {
  readonly name = 'autoencoder';
  readonly config: AutoencoderConfig;
  private net?: Module;
  private scaler?: Scaler;
  private scoreScale = 1;
  private seed?: number;
  channels = 0;
  summary?: TrainingSummary;

  constructor(config: Partial<AutoencoderConfig> = {}) {
    const network = config.network ?? AUTOENCODER_DEFAULTS.network;
    if (!['dense', 'lstm', 'conv1d'].includes(network)) {
      throw new Error(`autoencoder: network must be dense, lstm or conv1d, got '${network}'`);
    }
    this.config = { ...AUTOENCODER_DEFAULTS, ...NETWORK_DEFAULTS[network], ...config };
    const c = this.config;
    for (const k of [
      'window',
      'trainShift',
      'bottleneck',
      'kernel',
      'downsample',
      'epochs',
      'batchSize',
    ] as const) {
      if (!Number.isInteger(c[k]) || c[k] < 1)
        throw new Error(`autoencoder: ${k} must be a positive integer, got ${c[k]}`);
    }
    checkTraining(c, 'autoencoder');
    if (c.kernel % 2 === 0)
      throw new Error(`autoencoder: kernel must be odd (same padding), got ${c.kernel}`);
    if (!Array.isArray(c.hidden) || c.hidden.some((h) => !Number.isInteger(h) || h < 1))
      throw new Error(`autoencoder: hidden must be a list of positive integers`);
    if (c.network === 'conv1d' && c.window % 2 ** c.hidden.length !== 0) {
      throw new Error(
        `autoencoder: conv1d window ${c.window} must be divisible by 2^${c.hidden.length} (one halving per hidden level)`,
      );
    }
  }

  get fitted(): boolean {
    return this.net !== undefined;
  }

  private networkConfig(): AutoencoderNetworkConfig {
    const c = this.config;
    return {
      kind: c.network,
      window: c.window,
      channels: this.channels,
      hidden: c.hidden,
      bottleneck: c.bottleneck,
      kernel: c.kernel,
      dropout: c.dropout,
    };
  }

  private downsampled(x: Series): Series {
    return this.config.downsample > 1
      ? downsample(x, this.config.downsample, { method: 'mean' })
      : x;
  }

  private scaled(ds: Series): Float32Array {
    return this.scaler ? this.scaler.transformValues(ds.data, ds.channels) : ds.data;
  }

  private prepare(x: Series): Float32Array {
    return this.scaled(this.downsampled(x));
  }

  /** The windows at the given starts, [n, window, channels], straight from the row-major data. */
  private windows(data: Float32Array, starts: ArrayLike<number>): Tensor {
    const w = this.config.window;
    const c = this.channels;
    const n = starts.length;
    const xs = new Float32Array(n * w * c);
    for (let i = 0; i < n; i++) {
      const s = starts[i]!;
      xs.set(data.subarray(s * c, (s + w) * c), i * w * c);
    }
    return tensor(xs, [n, w, c]);
  }

  private dataset(data: Float32Array, shift: number): TrainingData {
    const w = this.config.window;
    const steps = data.length / this.channels;
    const count = steps < w ? 0 : Math.floor((steps - w) / shift) + 1;
    return {
      count,
      batch: (idx) => {
        const x = this.windows(
          data,
          Array.from(idx, (i) => i * shift),
        );
        return { x, y: x };
      },
    };
  }

  async fit(trainSeries: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    const c = this.config;
    const minLength = c.window * c.downsample;
    checkSeries(trainSeries, 'autoencoder.fit training data', { minLength });
    if (options.validation) {
      checkSeries(options.validation, 'autoencoder.fit validation data', {
        channels: trainSeries.channels,
        minLength,
      });
    }
    this.channels = trainSeries.channels;
    this.seed = options.seed;
    const dsTrain = this.downsampled(trainSeries);
    this.scaler = c.scaler === 'none' ? undefined : new Scaler(c.scaler).fit(dsTrain);
    const trainData = this.scaled(dsTrain);
    // The seed fixes the initial weights here and the shuffles in train().
    if (options.seed !== undefined) manualSeed(options.seed);
    this.net?.dispose();
    this.net = buildAutoencoderNetwork(this.networkConfig());
    const model = this.net;
    this.summary = await train(
      model,
      (x, y) => F.mse(model.forward(x), y),
      this.dataset(trainData, c.trainShift),
      c,
      trainOptionsFrom(
        options,
        options.validation && this.dataset(this.prepare(options.validation), c.trainShift),
      ),
    );
    this.scoreScale = 1;
    if (c.normalize) this.scoreScale = unitStdScale(this.score(options.validation ?? trainSeries));
    return this.summary;
  }

  private requireFitted(what: string): Module {
    if (!this.net)
      throw new Error(`autoencoder.${what}: the detector is not fitted (call fit or load a model)`);
    return this.net;
  }

  /** Per-step, per-channel error terms at the modelled (downsampled) rate; rows sum to the score. */
  private channelErrors(x: Series, what: string): Float32Array {
    const net = this.requireFitted(what);
    const c = this.config;
    checkSeries(x, 'autoencoder input', {
      channels: this.channels,
      minLength: c.window * c.downsample,
    });
    const data = this.prepare(x);
    const ch = this.channels;
    const w = c.window;
    const steps = data.length / ch;
    const count = steps - w + 1;
    const sums = new Float64Array(steps * ch);
    const batch = 1024;
    net.eval();
    for (let i = 0; i < count; i += batch) {
      const n = Math.min(batch, count - i);
      const starts = Int32Array.from({ length: n }, (_, k) => i + k);
      const err = tidy(() =>
        noGrad(() => {
          const xb = this.windows(data, starts);
          return net.forward(xb).sub(xb).square().toFloat32Array();
        }),
      );
      for (let k = 0; k < n; k++) {
        const base = starts[k]! * ch;
        const e = k * w * ch;
        for (let j = 0; j < w * ch; j++) sums[base + j]! += err[e + j]!;
      }
    }
    const errors = new Float32Array(steps * ch);
    for (let t = 0; t < steps; t++) {
      const covering = Math.min(t, count - 1) - Math.max(0, t - w + 1) + 1;
      for (let q = 0; q < ch; q++) errors[t * ch + q] = sums[t * ch + q]! / covering / ch;
    }
    return errors;
  }

  score(x: Series): Float32Array {
    const perStep = rowSums(this.channelErrors(x, 'score'), this.channels);
    const smoothed = smooth(perStep, this.config.smoothing);
    if (this.scoreScale !== 1)
      for (let t = 0; t < smoothed.length; t++) smoothed[t]! *= this.scoreScale;
    return checkScores(upsampleRows(smoothed, 1, x.length, this.config.downsample), x, this.name);
  }

  explain(x: Series): Float32Array {
    return upsampleRows(
      this.channelErrors(x, 'explain'),
      this.channels,
      x.length,
      this.config.downsample,
    );
  }

  /** Live scoring: the newest row lies in one window only, so one forward pass a row. */
  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    this.requireFitted('stream');
    const c = this.config;
    return new RescoringStream<I>(
      this,
      {
        context: (c.window + smoothingContext(c.smoothing)) * c.downsample,
        minRows: c.window * c.downsample,
        block: c.downsample,
      },
      options,
    );
  }

  save(dir: string, extras: SaveExtras = {}): void {
    const weights = this.requireFitted('save').stateDict();
    const own = { seed: this.seed, scaler: this.scaler, state: { scoreScale: this.scoreScale } };
    saveDetector(dir, this, own, weights, extras);
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): Autoencoder {
    const d = new Autoencoder(manifest.config as Partial<AutoencoderConfig>);
    Object.assign(d, restoredBasics(manifest));
    d.scoreScale = Number((manifest.state ?? {}).scoreScale ?? 1);
    d.net = buildAutoencoderNetwork(d.networkConfig());
    d.net.loadStateDict(weights);
    d.net.eval();
    return d;
  }
}
