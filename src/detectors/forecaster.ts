// Forecaster: learns to predict the next `horizon` steps of normal data from
// the `window` steps before; the score of a step is its squared prediction
// error (mean over the forecast channels), optionally smoothed and divided by
// the standard deviation of the smoothed training errors. Every channel is
// input; `targets` may restrict the forecast to some of them (telemanom feeds
// the command flags in and forecasts the telemetry value only).
//
// Alignment: step t is predicted by every window whose target covers it; its
// error is the mean over those windows. The first `window` steps (times the
// downsampling ratio) have no prediction and are scored 0.
import { ConfigError } from '../config/errors.js';
import { noGrad, tensor, tidy, type Module, type Tensor } from '../engine/index.js';
import type { Series } from '../data/series.js';
import { buildForecastNetwork, type ForecastNetworkKind } from '../models/forecast-networks.js';
import type { TrainingData } from '../models/trainer.js';
import { smooth, unsmoothed } from './smoothing.js';
import { rowSums, upsampleRows } from './window-alignment.js';
import { checkScores, checkSeries } from './input-checks.js';
import type { Manifest } from './model-dir.js';
import { positiveInt, resolveConfig, type Schema } from '../config/schema.js';
import {
  WINDOW_TRAINING_DEFAULTS,
  windowTrainingFields,
  type WindowTrainingConfig,
  layerSizes,
} from './config-fields.js';
import type { FitOptions, ScoringReach, TrainingSummary } from './detector.js';
import { gatherWindows } from '../data/windows.js';
import { NeuralWindowDetector } from './neural-window-detector.js';
import {
  RescoringStream,
  smoothingContext,
  type StreamOptions,
  type StreamScorer,
} from './stream-scorer.js';
import { ForecasterStream } from './forecaster-stream.js';

export interface ForecasterConfig extends WindowTrainingConfig {
  network: ForecastNetworkKind;
  window: number;
  horizon: number;
  /** Steps between training windows (1 = every window). */
  trainShift: number;
  hidden: number[];
  /** Channels to forecast and score (indices into the input's channels); [] = all. */
  targets: number[];
  batchNorm: boolean;
  /**
   * lstm, gru, dense: forecast each target's change from its last value in the window
   * (the network's output plus that value), so a level the training data never reached is
   * followed rather than pulled back into the training range. Default off (telemanom
   * forecasts the value itself).
   */
  residual: boolean;
}

export const FORECASTER_DEFAULTS: ForecasterConfig = {
  network: 'lstm',
  window: 50,
  horizon: 1,
  trainShift: 1,
  hidden: [64],
  targets: [],
  batchNorm: false,
  residual: false,
  ...WINDOW_TRAINING_DEFAULTS,
};

/** The fields of a forecaster's config, their types and ranges. */
export const FORECASTER_SCHEMA: Schema = {
  network: { type: 'enum', values: ['dense', 'lstm', 'gru', 'stacked'] },
  window: positiveInt,
  horizon: positiveInt,
  trainShift: positiveInt,
  hidden: layerSizes(1),
  targets: { type: 'int[]', min: 0, minLength: 0 },
  batchNorm: { type: 'boolean' },
  residual: { type: 'boolean' },
  ...windowTrainingFields,
};

/** Windows per forward pass when scoring. */
const SCORE_BATCH = 1024;

const NETWORK_DEFAULT_HIDDEN: Record<ForecastNetworkKind, number[]> = {
  dense: [200, 100, 50, 100, 200],
  lstm: [64],
  gru: [64],
  stacked: [64, 64, 64],
};

export class Forecaster extends NeuralWindowDetector<ForecasterConfig> {
  readonly name = 'forecaster';
  readonly config: ForecasterConfig;

  constructor(config: Partial<ForecasterConfig> = {}) {
    super();
    const network = config.network ?? FORECASTER_DEFAULTS.network;
    this.config = resolveConfig(
      config,
      FORECASTER_SCHEMA,
      {
        ...FORECASTER_DEFAULTS,
        hidden: NETWORK_DEFAULT_HIDDEN[network] ?? FORECASTER_DEFAULTS.hidden,
      },
      'forecaster config',
    );
    if (this.config.residual && this.config.network === 'stacked')
      throw new ConfigError(
        'forecaster config.residual: applies to the lstm, gru and dense networks, not stacked',
      );
  }

  /** Input and target windows at the given starts, straight from the row-major data. */
  private windows(data: Float32Array, starts: ArrayLike<number>): { x: Tensor; y: Tensor } {
    const { window: w, horizon: h } = this.config;
    const c = this.channels;
    const targets = this.targetIndices();
    const o = targets.length;
    const n = starts.length;
    const xs = gatherWindows(data, c, w, starts);
    const ys = new Float32Array(n * h * o);
    for (let i = 0; i < n; i++) {
      const s = starts[i]!;
      if (o === c) ys.set(data.subarray((s + w) * c, (s + w + h) * c), i * h * c);
      else
        for (let j = 0; j < h; j++)
          for (let q = 0; q < o; q++)
            ys[(i * h + j) * o + q] = data[(s + w + j) * c + targets[q]!]!;
    }
    return { x: tensor(xs, [n, w, c]), y: tensor(ys, [n, h, o]) };
  }

  /** The forecast channels: config.targets, or every input channel. */
  private targetIndices(): number[] {
    const t = this.config.targets;
    return t.length > 0 ? t : Array.from({ length: this.channels }, (_, i) => i);
  }

  /** Channels the network forecasts. */
  get outputChannels(): number {
    return this.targetIndices().length;
  }

  private checkTargets(channels: number, what: string): void {
    const t = this.config.targets;
    if (t.some((i) => i >= channels) || new Set(t).size !== t.length)
      throw new Error(
        `${what}: targets ${JSON.stringify(t)} must be distinct channel indices below ${channels}`,
      );
  }

  private dataset(data: Float32Array, shift: number): TrainingData {
    const { window: w, horizon: h } = this.config;
    const steps = data.length / this.channels;
    const count = steps < w + h ? 0 : Math.floor((steps - w - h) / shift) + 1;
    return {
      count,
      batch: (idx) =>
        this.windows(
          data,
          Array.from(idx, (i) => i * shift),
        ),
    };
  }

  async fit(trainSeries: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    const c = this.config;
    const minLength = (c.window + c.horizon) * c.downsample;
    checkSeries(trainSeries, 'forecaster.fit training data', { minLength });
    if (options.validation) {
      checkSeries(options.validation, 'forecaster.fit validation data', {
        channels: trainSeries.channels,
        minLength,
      });
    }
    this.checkTargets(trainSeries.channels, 'forecaster.fit training data');
    // The first window * downsample steps have no forecast (score 0): left out of the scale.
    return this.fitNetwork(
      trainSeries,
      options,
      (data, shift) => this.dataset(data, shift),
      c.window * c.downsample,
    );
  }

  /** Per-step, per-channel squared errors at the modelled (downsampled) rate. */
  private channelErrors(x: Series): { errors: Float32Array; steps: number } {
    const net = this.requireFitted('score');
    const c = this.config;
    checkSeries(x, 'forecaster input', {
      channels: this.channels,
      minLength: (c.window + c.horizon) * c.downsample,
    });
    const data = this.prepare(x);
    const steps = data.length / this.channels;
    const ch = this.outputChannels;
    const ds = this.dataset(data, 1);
    const sums = new Float64Array(steps * ch);
    const counts = new Uint32Array(steps);
    const batch = SCORE_BATCH;
    net.eval();
    for (let i = 0; i < ds.count; i += batch) {
      const n = Math.min(batch, ds.count - i);
      const starts = Int32Array.from({ length: n }, (_, k) => i + k);
      const err = tidy(() =>
        noGrad(() => {
          const { x: xb, y: yb } = this.windows(data, starts);
          return net.forward(xb).sub(yb).square().toFloat32Array();
        }),
      );
      for (let k = 0; k < n; k++) {
        const t0 = starts[k]! + c.window;
        for (let j = 0; j < c.horizon; j++) {
          const t = t0 + j;
          counts[t]!++;
          for (let q = 0; q < ch; q++) sums[t * ch + q]! += err[(k * c.horizon + j) * ch + q]!;
        }
      }
    }
    const errors = new Float32Array(steps * ch);
    for (let t = 0; t < steps; t++) {
      if (counts[t]! === 0) continue;
      for (let q = 0; q < ch; q++) errors[t * ch + q] = sums[t * ch + q]! / counts[t]! / ch;
    }
    return { errors, steps };
  }

  /** Spreads values at the modelled rate back to one per input step. */
  private upsample(values: Float32Array, width: number, length: number): Float32Array {
    return upsampleRows(values, width, length, this.config.downsample);
  }

  /** The first window * downsample steps have no forecast. */
  firstScoredStep(): number {
    return this.config.window * this.config.downsample;
  }

  /**
   * A step's error comes from the windows whose forecast covers it: window + horizon
   * steps back; the batches of 1,024 windows line up when slices start at multiples of
   * them. Smoothing carries state along the whole series, so smoothed scores have no reach.
   */
  scoringReach(): ScoringReach | undefined {
    const { window: w, horizon: h, downsample: r } = this.config;
    if (!unsmoothed(this.config.smoothing)) return undefined;
    return { before: (w + h) * r, after: (w + h) * r, align: SCORE_BATCH * r };
  }

  score(x: Series): Float32Array {
    const { errors, steps } = this.channelErrors(x);
    const smoothed = smooth(rowSums(errors, this.outputChannels), this.config.smoothing);
    if (this.scoreScale !== 1) for (let t = 0; t < steps; t++) smoothed[t]! *= this.scoreScale;
    return checkScores(this.upsample(smoothed, 1, x.length), x, this.name);
  }

  /**
   * One-step-ahead predictions, row-major [x.length, outputChannels], in the input's units
   * (the scaler inverted): step t holds the first forecast step of the window ending just
   * before it (spread over each block when downsampling); NaN before the first prediction.
   */
  predict(x: Series): Float32Array {
    const net = this.requireFitted('predict');
    const { window: w, horizon: h, downsample: r } = this.config;
    checkSeries(x, 'forecaster input', { channels: this.channels, minLength: (w + 1) * r });
    const data = this.prepare(x);
    const ch = this.channels;
    const o = this.outputChannels;
    const steps = data.length / ch;
    // Full width so that the scaler can be inverted; only the forecast channels are filled.
    const out = new Float32Array(steps * ch).fill(NaN);
    const targets = this.targetIndices();
    const count = steps - w;
    const batch = 1024;
    net.eval();
    for (let i = 0; i < count; i += batch) {
      const n = Math.min(batch, count - i);
      const starts = Int32Array.from({ length: n }, (_, k) => i + k);
      const xs = gatherWindows(data, ch, w, starts);
      const pred = tidy(() => noGrad(() => net.forward(tensor(xs, [n, w, ch])).toFloat32Array()));
      for (let k = 0; k < n; k++)
        for (let q = 0; q < o; q++) out[(i + k + w) * ch + targets[q]!] = pred[k * h * o + q]!;
    }
    const full = this.scaler ? this.scaler.inverseTransformValues(out, ch) : out;
    const values = o === ch ? full : new Float32Array(steps * o);
    if (o !== ch)
      for (let t = 0; t < steps; t++)
        for (let q = 0; q < o; q++) values[t * o + q] = full[t * ch + targets[q]!]!;
    return this.upsample(values, o, x.length);
  }

  /**
   * The mean squared error (over the horizon's steps and the channels, in scaled units) of
   * each window at the modelled rate: window k predicts steps k * shift + window onwards.
   */
  windowErrors(x: Series, shift = 1): Float32Array {
    const net = this.requireFitted('windowErrors');
    if (!Number.isInteger(shift) || shift < 1)
      throw new Error(`forecaster.windowErrors: shift must be a positive integer, got ${shift}`);
    const c = this.config;
    checkSeries(x, 'forecaster input', {
      channels: this.channels,
      minLength: (c.window + c.horizon) * c.downsample,
    });
    const ds = this.dataset(this.prepare(x), shift);
    const out = new Float32Array(ds.count);
    const batch = 512;
    net.eval();
    for (let i = 0; i < ds.count; i += batch) {
      const n = Math.min(batch, ds.count - i);
      const idx = Int32Array.from({ length: n }, (_, k) => i + k);
      const err = tidy(() =>
        noGrad(() => {
          const { x: xb, y: yb } = ds.batch(idx);
          return net.forward(xb).sub(yb).square().toFloat32Array();
        }),
      );
      const per = err.length / n;
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let j = 0; j < per; j++) s += err[k * per + j]!;
        out[i + k] = s / per;
      }
    }
    return out;
  }

  /** Per-step squared errors of each forecast channel, [x.length, outputChannels]. */
  explain(x: Series): Float32Array {
    const { errors } = this.channelErrors(x);
    return this.upsample(errors, this.outputChannels, x.length);
  }

  /**
   * Live scoring. With a one-step horizon each row costs at most one forward pass of the
   * newest window; longer horizons re-score the last few windows (see stream-scorer.ts).
   */
  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    const net = this.requireFitted('stream');
    const c = this.config;
    if (c.horizon === 1) {
      net.eval();
      return new ForecasterStream<I>(
        {
          net,
          scaler: this.scaler,
          scoreScale: this.scoreScale,
          channels: this.channels,
          window: c.window,
          downsample: c.downsample,
          targets: c.targets,
          smoothing: c.smoothing,
        },
        options,
      );
    }
    const blocks = c.window + c.horizon + smoothingContext(c.smoothing);
    return new RescoringStream<I>(
      this,
      {
        context: blocks * c.downsample,
        minRows: (c.window + c.horizon) * c.downsample,
        block: c.downsample,
      },
      options,
    );
  }

  protected buildNetwork(): Module {
    const c = this.config;
    return buildForecastNetwork({
      kind: c.network,
      window: c.window,
      horizon: c.horizon,
      channels: this.channels,
      outputs: this.outputChannels,
      hidden: c.hidden,
      batchNorm: c.batchNorm,
      dropout: c.dropout,
      residual: c.residual ? this.targetIndices() : undefined,
    });
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): Forecaster {
    return new Forecaster(manifest.config as Partial<ForecasterConfig>).restore(manifest, weights);
  }
}
