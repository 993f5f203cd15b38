// What the non-neural baselines share: downsampling and scaling fitted on training
// data only, sliding windows of the scaled series (window 1 = per-step vectors),
// window results mapped back to steps, smoothing, a one-"epoch" training summary, and
// saving to a model directory.
//
// Alignment: window s covers steps s..s+window-1 (stride 1) of the modelled series;
// `alignment` says how a window's per-channel contributions reach those steps (the mean
// over the covering windows, the row of the worst covering window, or the row of the
// window centred on the step: see window-alignment.ts), and a step's score is their sum.
import { tidy, type Tensor } from '../../engine/index.js';
import { Scaler } from '../../data/scalers.js';
import type { Series } from '../../data/series.js';
import { TrainingCancelled } from '../../models/trainer.js';
import { singlePassSummary } from '../../models/training-report.js';
import { smooth, unsmoothed } from '../smoothing.js';
import { checkScores, checkSeries } from '../input-checks.js';
import type { Manifest, SaveExtras } from '../model-dir.js';
import { restoredBasics, saveDetector } from '../saved-detector.js';
import {
  RescoringStream,
  smoothingContext,
  type StreamOptions,
  type StreamScorer,
} from '../stream-scorer.js';
import {
  alignWindows,
  rowSums,
  upsampleRows,
  WINDOW_ALIGNMENTS,
  type WindowAlignment,
} from '../window-alignment.js';
import {
  NotFittedError,
  type Detector,
  type FitOptions,
  type ScoringReach,
  type TrainingSummary,
} from '../detector.js';
import { positiveInt, resolveConfig, type Schema } from '../../config/schema.js';
import {
  PREPARATION_DEFAULTS,
  preparationFields,
  type PreparationConfig,
} from '../config-fields.js';
import { gatherWindows } from '../../data/windows.js';
import { downsampleBy, fitWindowScaler, scaledValues } from '../window-prep.js';

export interface BaselineConfig extends PreparationConfig {
  /** Steps per window; 1 = per-step vectors. */
  window: number;
  /** How window results reach the steps they cover (window > 1). */
  alignment: WindowAlignment;
}

export const BASELINE_DEFAULTS: BaselineConfig = {
  window: 1,
  ...PREPARATION_DEFAULTS,
  // Chosen on the series harness half A with pca (window 10): max 0.435 AUC-PR, mean 0.420,
  // centre 0.366 (half B: 0.364, 0.328, 0.293).
  alignment: 'max',
};

/** Windows per batch of every baseline divide this (pca 4,096, knn 1,024). */
const BASELINE_BATCH_ALIGN = 4096;

/** The config fields every baseline has. */
export const baselineFields: Schema = {
  window: positiveInt,
  ...preparationFields,
  alignment: { type: 'enum', values: WINDOW_ALIGNMENTS },
};

/** The prepared (downsampled, scaled) series in row-major order. */
export interface Prepared {
  data: Float32Array;
  steps: number;
  channels: number;
}

/** The windows at the given starts as one row-major block [n, window * channels]. */
export function windowBlock(p: Prepared, window: number, starts: ArrayLike<number>): Float32Array {
  return gatherWindows(p.data, p.channels, window, starts);
}

/** Up to `max` distinct indices of 0..n-1, in increasing order, chosen by `next()` in [0, 1). */
export function sampleIndices(n: number, max: number, nextInt: (k: number) => number): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  // Partial Fisher-Yates over a lazily materialised permutation.
  const swapped = new Map<number, number>();
  const out = new Int32Array(max);
  for (let i = 0; i < max; i++) {
    const j = i + nextInt(n - i);
    const vj = swapped.get(j) ?? j;
    const vi = swapped.get(i) ?? i;
    swapped.set(j, vi);
    out[i] = vj;
  }
  return out.sort();
}

/** A detector on sliding windows of the scaled series, with no neural network. */
export abstract class WindowBaseline<C extends BaselineConfig> implements Detector {
  abstract readonly name: string;
  readonly config: C;
  channels = 0;
  summary?: TrainingSummary;
  protected scaler?: Scaler;
  protected seed?: number;
  protected learned = false;

  /** `schema`: the detector's config schema (baselineFields and its own). */
  constructor(what: string, defaults: C, config: Partial<C>, schema: Schema) {
    this.config = resolveConfig(config, schema, defaults, `${what} config`);
  }

  get fitted(): boolean {
    return this.learned;
  }

  /** Fewest steps (at the modelled rate) a series to score needs. */
  protected minSteps(): number {
    return this.config.window;
  }

  /** Fewest steps (at the modelled rate) the training data needs. */
  protected minFitSteps(): number {
    return this.minSteps();
  }

  protected prepare(x: Series): Prepared {
    const ds = downsampleBy(x, this.config.downsample);
    return { data: scaledValues(ds, this.scaler), steps: ds.length, channels: ds.channels };
  }

  /** Learns from the prepared training data; `seed` drives any sampling. */
  protected abstract learn(train: Prepared, seed: number): void;

  /**
   * Per-step, per-channel contributions at the modelled rate [steps, channels], rows
   * summing to the raw score (window detectors: `spread` of per-window ones).
   */
  protected abstract contributions(p: Prepared): Float32Array;

  /** Raw per-step scores at the modelled rate; override when cheaper than contributions. */
  protected stepScores(p: Prepared): Float32Array {
    return rowSums(this.contributions(p), p.channels);
  }

  /** Per-step contributions from per-window ones [steps - window + 1, channels]. */
  protected spread(perWindow: Float32Array, channels: number): Float32Array {
    return alignWindows(perWindow, channels, this.config.window, this.config.alignment);
  }

  /** Tensors and JSON state that fully restore what learn() found. */
  protected abstract saveState(): {
    weights: Record<string, Tensor>;
    state: Record<string, unknown>;
  };
  protected abstract loadState(
    state: Record<string, unknown>,
    weights: Record<string, Tensor>,
  ): void;

  async fit(trainSeries: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    const what = `${this.name}.fit`;
    const c = this.config;
    const minLength = (this.minFitSteps() - 1) * c.downsample + 1;
    checkSeries(trainSeries, `${what} training data`, { minLength });
    if (options.validation) {
      checkSeries(options.validation, `${what} validation data`, {
        channels: trainSeries.channels,
        minLength,
      });
    }
    if (options.signal?.aborted) throw new TrainingCancelled();
    const started = performance.now();
    this.channels = trainSeries.channels;
    this.seed = options.seed;
    const dsTrain = downsampleBy(trainSeries, c.downsample);
    this.scaler = fitWindowScaler(c.scaler, dsTrain);
    const train: Prepared = {
      data: scaledValues(dsTrain, this.scaler),
      steps: dsTrain.length,
      channels: dsTrain.channels,
    };
    const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
    this.learn(train, seed);
    this.learned = true;
    // "Loss" of the single pass: the mean raw score of the training (and validation) steps.
    const meanScore = (p: Prepared) => {
      const s = this.stepScores(p);
      let sum = 0;
      for (const v of s) sum += v;
      return sum / Math.max(1, s.length);
    };
    this.summary = singlePassSummary(
      started,
      meanScore(train),
      options.validation ? meanScore(this.prepare(options.validation)) : undefined,
      options.onEpoch,
    );
    return this.summary;
  }

  private checked(x: Series, what: string): Prepared {
    if (!this.learned) {
      throw new NotFittedError(this.name, what);
    }
    checkSeries(x, `${this.name} input`, {
      channels: this.channels,
      minLength: (this.minSteps() - 1) * this.config.downsample + 1,
    });
    return this.prepare(x);
  }

  /**
   * A step's value comes from the windows covering it (a window either side); slices
   * start at multiples of 4,096 windows, a multiple of every baseline's batch. The mean
   * alignment and smoothing keep running sums along the whole series: no reach then.
   */
  scoringReach(): ScoringReach | undefined {
    const { window: w, downsample: r, alignment, smoothing } = this.config;
    if (!unsmoothed(smoothing) || alignment === 'mean') return undefined;
    return { before: w * r, after: w * r, align: BASELINE_BATCH_ALIGN * r };
  }

  score(x: Series): Float32Array {
    const p = this.checked(x, 'score');
    const perStep = this.stepScores(p);
    const scores = upsampleRows(
      smooth(perStep, this.config.smoothing),
      1,
      x.length,
      this.config.downsample,
    );
    return checkScores(scores, x, this.name);
  }

  explain(x: Series): Float32Array {
    const p = this.checked(x, 'explain');
    return upsampleRows(this.contributions(p), p.channels, x.length, this.config.downsample);
  }

  /**
   * Live scoring over the last windows: the newest step depends on one window (or, for
   * the rolling z-score, the window before it) plus what the smoothing looks back.
   */
  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    if (!this.learned)
      throw new Error(`${this.name}.stream: the detector is not fitted (call fit or load a model)`);
    const c = this.config;
    return new RescoringStream<I>(
      this,
      {
        context: (c.window + 1 + smoothingContext(c.smoothing)) * c.downsample,
        minRows: (this.minSteps() - 1) * c.downsample + 1,
        block: c.downsample,
      },
      options,
    );
  }

  save(dir: string, extras: SaveExtras = {}): void {
    if (!this.learned) throw new NotFittedError(this.name, 'save');
    tidy(() => {
      const { weights, state } = this.saveState();
      saveDetector(dir, this, { seed: this.seed, scaler: this.scaler, state }, weights, extras);
    });
  }

  /** Restores a saved model into this (freshly configured) detector. */
  restore(manifest: Manifest, weights: Record<string, Tensor>): this {
    Object.assign(this, restoredBasics(manifest));
    this.loadState(manifest.state ?? {}, weights);
    this.learned = true;
    return this;
  }
}
