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
import { noGrad, tensor, tidy, type Module, type Tensor } from '../engine/index.js';
import type { Series } from '../data/series.js';
import {
  buildAutoencoderNetwork,
  type AutoencoderNetworkConfig,
  type AutoencoderNetworkKind,
} from '../models/autoencoder-networks.js';
import type { TrainingData } from '../models/trainer.js';
import { smooth, unsmoothed } from './smoothing.js';
import { checkScores, checkSeries } from './input-checks.js';
import type { Manifest } from './model-dir.js';
import { positiveInt, resolveConfig, type Schema } from '../config/schema.js';
import { ConfigError } from '../config/errors.js';
import {
  WINDOW_TRAINING_DEFAULTS,
  windowTrainingFields,
  type WindowTrainingConfig,
  layerSizes,
} from './config-fields.js';
import {
  RescoringStream,
  smoothingContext,
  type StreamOptions,
  type StreamScorer,
} from './stream-scorer.js';
import { rowSums, upsampleRows } from './window-alignment.js';
import type { FitOptions, ScoringReach, TrainingSummary } from './detector.js';
import { gatherWindows } from '../data/windows.js';
import { NeuralWindowDetector } from './neural-window-detector.js';

export interface AutoencoderConfig extends WindowTrainingConfig {
  network: AutoencoderNetworkKind;
  window: number;
  /** Steps between training windows (1 = every window). */
  trainShift: number;
  /** Encoder widths, outside in (see AutoencoderNetworkConfig); the decoder mirrors them. */
  hidden: number[];
  bottleneck: number;
  /** conv1d only: odd kernel size. */
  kernel: number;
}

export const AUTOENCODER_DEFAULTS: AutoencoderConfig = {
  network: 'dense',
  window: 48,
  trainShift: 1,
  hidden: [64, 32],
  bottleneck: 8,
  kernel: 5,
  ...WINDOW_TRAINING_DEFAULTS,
};

/** The fields of an autoencoder's config, their types and ranges. */
export const AUTOENCODER_SCHEMA: Schema = {
  network: { type: 'enum', values: ['dense', 'lstm', 'conv1d'] },
  window: positiveInt,
  trainShift: positiveInt,
  // [] is allowed: an LSTM encoder straight to the bottleneck.
  hidden: layerSizes(0),
  bottleneck: positiveInt,
  kernel: { type: 'int', min: 1, odd: true },
  ...windowTrainingFields,
};

/** Windows per forward pass when scoring. */
const SCORE_BATCH = 1024;

const NETWORK_DEFAULTS: Record<AutoencoderNetworkKind, { hidden: number[]; bottleneck: number }> = {
  dense: { hidden: [64, 32], bottleneck: 8 },
  lstm: { hidden: [32], bottleneck: 16 },
  conv1d: { hidden: [16, 32], bottleneck: 8 },
};

export class Autoencoder extends NeuralWindowDetector<AutoencoderConfig> {
  readonly name = 'autoencoder';
  readonly config: AutoencoderConfig;

  constructor(config: Partial<AutoencoderConfig> = {}) {
    super();
    const network = config.network ?? AUTOENCODER_DEFAULTS.network;
    const byNetwork = Object.hasOwn(NETWORK_DEFAULTS, network) ? NETWORK_DEFAULTS[network] : {};
    this.config = resolveConfig(
      config,
      AUTOENCODER_SCHEMA,
      { ...AUTOENCODER_DEFAULTS, ...byNetwork },
      'autoencoder config',
    );
    const c = this.config;
    if (c.network === 'conv1d' && c.window % 2 ** c.hidden.length !== 0) {
      throw new ConfigError(
        `autoencoder config.window: ${c.window} is not divisible by 2^${c.hidden.length} (conv1d halves it once per hidden level)`,
      );
    }
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

  /** The windows at the given starts, [n, window, channels], straight from the row-major data. */
  private windows(data: Float32Array, starts: ArrayLike<number>): Tensor {
    const { window: w } = this.config;
    const xs = gatherWindows(data, this.channels, w, starts);
    return tensor(xs, [starts.length, w, this.channels]);
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
    return this.fitNetwork(trainSeries, options, (data, shift) => this.dataset(data, shift));
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
    const batch = SCORE_BATCH;
    net.eval();
    for (let i = 0; i < count; i += batch) {
      const n = Math.min(batch, count - i);
      const starts = Int32Array.from({ length: n }, (_, k) => i + k);
      const out = tidy(() => noGrad(() => net.forward(this.windows(data, starts)).toFloat32Array()));
      // The squared errors here rather than as two tensor ops: each of those woke torch's
      // threads for a small batch (the dense autoencoder scored at half the speed on 2 threads
      // as on 1). fround keeps torch's float32 arithmetic: the same bits.
      for (let k = 0; k < n; k++) {
        const base = starts[k]! * ch;
        const e = k * w * ch;
        for (let j = 0; j < w * ch; j++) {
          const d = Math.fround(out[e + j]! - data[base + j]!);
          sums[base + j]! += Math.fround(d * d);
        }
      }
    }
    const errors = new Float32Array(steps * ch);
    for (let t = 0; t < steps; t++) {
      const covering = Math.min(t, count - 1) - Math.max(0, t - w + 1) + 1;
      for (let q = 0; q < ch; q++) errors[t * ch + q] = sums[t * ch + q]! / covering / ch;
    }
    return errors;
  }

  /**
   * A step's error comes from the windows covering it, a window either side; the batches
   * of 1,024 windows line up when slices start at multiples of them. Smoothing carries
   * state along the whole series, so smoothed scores have no reach.
   */
  scoringReach(): ScoringReach | undefined {
    const { window: w, downsample: r } = this.config;
    if (!unsmoothed(this.config.smoothing)) return undefined;
    return { before: w * r, after: w * r, align: SCORE_BATCH * r };
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

  protected buildNetwork(): Module {
    return buildAutoencoderNetwork(this.networkConfig());
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): Autoencoder {
    return new Autoencoder(manifest.config as Partial<AutoencoderConfig>).restore(
      manifest,
      weights,
    );
  }
}
