// AMSL (Zhang et al., "Adaptive Memory Networks with Self-supervised Learning for
// Unsupervised Anomaly Detection", TKDE 2022) for fixed-size multichannel segments
// such as DSADS's [125, 45]. A Series row is one whole segment flattened time-major
// (channels = length x sensors); each row gets one score.
//
// Training sees every segment through seven views (amsl-views.ts); the loss is,
// as in the authors' code (zhangyuxin621/AMSL, train.py), the sum over the views
// of their reconstruction MSE + lambda1 x the sum over the views of their
// classification cross-entropy + lambda2 x the addressing entropy (per view,
// averaged over the memory items, summed over the views, global plus local).
// The score of a segment is the sum over the views of its reconstruction MSE.
// docs/amsl-fidelity.md lists where this differs from the paper's code, and why. The random views at scoring time
// draw from a generator re-seeded at every call, so the same input always gets the
// same scores.
import { noGrad, tensor, tidy, F } from '../engine/index.js';
import { Scaler } from '../data/scalers.js';
import { createRng, deriveSeed, rngFromState, shuffleInPlace, type Rng } from '../data/random.js';
import { createSeries, selectRows, type Series } from '../data/series.js';
import { AmslNetwork, viewTargets } from '../models/amsl-network.js';
import { AMSL_VIEW_COUNT, amslViews, viewTimeMap, type ViewOptions } from '../models/amsl-views.js';
import { seedWeights, trainBatches } from '../models/trainer.js';
import type { Tensor } from '../engine/index.js';
import { checkScores, checkSeries } from './input-checks.js';
import type { Manifest, SaveExtras } from './model-dir.js';
import { restoredBasics, saveDetector } from './saved-detector.js';
import {
  NotFittedError,
  type Detector,
  type FitOptions,
  type TrainingSummary,
} from './detector.js';
import {
  nonNegative,
  nonNegativeInt,
  positive,
  positiveInt,
  resolveConfig,
  type Schema,
} from '../config/schema.js';
import { ConfigError } from '../config/errors.js';
import { FIXED_EPOCHS, layerSizes, trainingFields, type TrainingFields } from './config-fields.js';
import { PerRowStream, type StreamOptions, type StreamScorer } from './stream-scorer.js';

export interface AmslConfig extends ViewOptions, TrainingFields {
  /** [length, sensors] of one segment; a Series row holds length x sensors values. */
  segmentShape: [number, number];
  /** Encoder convolution widths (each halves the length); decoders mirror them. */
  hidden: number[];
  kernel: number;
  memoryItems: number;
  temperature: number;
  /** Weight of the view-classification cross-entropy (summed over the views). */
  lambda1: number;
  /** Weight of the memory-addressing entropy (averaged over items, summed over views). */
  lambda2: number;
  /** Per-sensor scaling fitted on the training segments. */
  scaler: 'zscore' | 'none';
}

export const AMSL_DEFAULTS: AmslConfig = {
  segmentShape: [125, 45],
  hidden: [64, 32, 16],
  kernel: 5,
  memoryItems: 500,
  temperature: 0.1,
  lambda1: 1,
  lambda2: 0.0002,
  scaler: 'zscore',
  snrDb: 5,
  permutationPieces: 5,
  smoothingWindow: 11,
  smoothingOrder: 2,
  epochs: 20,
  batchSize: 32,
  learningRate: 1e-3,
  // The authors train a fixed count of epochs; patience and validationSplit
  // (a seeded share of the segments held out, their mean score monitored) opt in.
  ...FIXED_EPOCHS,
};

/** The fields of AMSL's config, their types and ranges. */
export const AMSL_SCHEMA: Schema = {
  segmentShape: { type: 'int[]', min: 1, length: 2 },
  hidden: layerSizes(1),
  kernel: { type: 'int', min: 1, odd: true },
  memoryItems: positiveInt,
  temperature: positive,
  lambda1: nonNegative,
  lambda2: nonNegative,
  scaler: { type: 'enum', values: ['zscore', 'none'] },
  snrDb: { type: 'number' },
  permutationPieces: positiveInt,
  smoothingWindow: { type: 'int', min: 1, odd: true },
  smoothingOrder: nonNegativeInt,
  ...trainingFields,
};

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class AmslDetector implements Detector {
  readonly name = 'amsl';
  readonly config: AmslConfig;
  private net?: AmslNetwork;
  private scaler?: Scaler;
  private seed?: number;
  /** Seed of the random views drawn when scoring. */
  private viewSeed = 0;
  channels = 0;
  summary?: TrainingSummary;

  constructor(config: Partial<AmslConfig> = {}) {
    this.config = resolveConfig(config, AMSL_SCHEMA, AMSL_DEFAULTS, 'amsl config');
    const c = this.config;
    if (c.smoothingOrder >= c.smoothingWindow)
      throw new ConfigError(
        `amsl config.smoothingOrder: ${c.smoothingOrder} is not below smoothingWindow (${c.smoothingWindow})`,
      );
  }

  get fitted(): boolean {
    return this.net !== undefined;
  }

  private get length(): number {
    return this.config.segmentShape[0];
  }
  private get sensors(): number {
    return this.config.segmentShape[1];
  }

  private buildNetwork(): AmslNetwork {
    const c = this.config;
    return new AmslNetwork({
      length: this.length,
      sensors: this.sensors,
      hidden: c.hidden,
      kernel: c.kernel,
      memoryItems: c.memoryItems,
      temperature: c.temperature,
      views: AMSL_VIEW_COUNT,
    });
  }

  private check(x: Series, what: string): void {
    checkSeries(x, what, { channels: this.length * this.sensors });
  }

  /** Scaled segments, still row-major [n, length, sensors]. */
  private prepare(x: Series): Float32Array {
    return this.scaler ? this.scaler.transformValues(x.data, this.sensors) : x.data;
  }

  /**
   * Views of the segments at `rows` as a [7 * n, sensors, length] tensor, with
   * their piece orders. `scratch` (from viewScratch) is reused across batches:
   * fresh multi-megabyte arrays per batch, freed only when V8 collects them,
   * interleave with torch's buffers in glibc's heap and fragment it (scoring
   * p1+p2 of DSADS grew the RSS from 0.5 to 1.5 GB).
   */
  private viewTensor(
    data: Float32Array,
    rows: ArrayLike<number>,
    rng: Rng,
    scratch: { segments: Float32Array; views: Float32Array },
  ): { x: Tensor; orders: number[][] } {
    const size = this.length * this.sensors;
    const n = rows.length;
    const segments = scratch.segments.subarray(0, n * size);
    for (let i = 0; i < n; i++)
      segments.set(data.subarray(rows[i]! * size, (rows[i]! + 1) * size), i * size);
    const orders: number[][] = [];
    const views = amslViews(
      segments,
      n,
      this.length,
      this.sensors,
      rng,
      this.config,
      orders,
      scratch.views.subarray(0, AMSL_VIEW_COUNT * n * size),
    );
    const x = tensor(views, [AMSL_VIEW_COUNT * n, this.length, this.sensors])
      .transpose(1, 2)
      .contiguous();
    return { x, orders };
  }

  /** Buffers for viewTensor of up to `batch` segments. */
  private viewScratch(batch: number): { segments: Float32Array; views: Float32Array } {
    const size = this.length * this.sensors;
    return {
      segments: new Float32Array(batch * size),
      views: new Float32Array(AMSL_VIEW_COUNT * batch * size),
    };
  }

  /** The training loss of a batch of views and its parts. */
  private loss(net: AmslNetwork, x: Tensor, n: number): Tensor {
    const c = this.config;
    const out = net.run(x);
    // Sum over views of each view's MSE = views x the mean over all view rows.
    // Sums over views of per-view means = views x the means over all view rows
    // (every view has n rows); the entropy is per item, as the authors' code has it.
    const recon = F.mse(out.reconstruction, x).mul(AMSL_VIEW_COUNT);
    const ce = F.crossEntropy(out.logits, viewTargets(AMSL_VIEW_COUNT, n)).mul(AMSL_VIEW_COUNT);
    const entropy = out.entropy.mul(AMSL_VIEW_COUNT / c.memoryItems);
    return recon.add(entropy.mul(c.lambda2)).add(ce.mul(c.lambda1));
  }

  async fit(trainSeries: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    const c = this.config;
    this.check(trainSeries, 'amsl.fit training data');
    if (options.validation) this.check(options.validation, 'amsl.fit validation data');
    this.channels = this.length * this.sensors;
    this.seed = options.seed;
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.viewSeed = deriveSeed(seed, 'augment');
    this.scaler =
      c.scaler === 'none'
        ? undefined
        : new Scaler('zscore').fitValues(trainSeries.data, this.sensors);
    const { fitRows, validation } = this.heldOut(trainSeries, options.validation, seed);
    const data = this.prepare(fitRows);
    seedWeights(options.seed);
    this.net?.dispose();
    const net = this.buildNetwork();
    this.net = net;
    // One generator, as before the shared loop: each epoch's shuffle, then that
    // epoch's random views, batch after batch.
    const rng = createRng(deriveSeed(seed, 'shuffle'));
    const order = Array.from({ length: fitRows.length }, (_, i) => i);
    const scratch = this.viewScratch(c.batchSize);
    this.summary = await trainBatches(
      net,
      {
        count: fitRows.length,
        order: () => Int32Array.from(shuffleInPlace(order, rng)),
        loss: (rows) => this.loss(net, this.viewTensor(data, rows, rng, scratch).x, rows.length),
        // The held-out loss is the mean score (the sum of the views' reconstruction errors).
        validationLoss: validation
          ? () => this.score(validation).reduce((a, b) => a + b, 0) / validation.length
          : undefined,
        // Every batch: see scoreAsync.
        yieldEvery: 1,
      },
      c,
      { signal: options.signal, onEpoch: options.onEpoch },
    );
    return this.summary;
  }

  /**
   * The segments trained on and the ones monitored for early stopping: the given
   * validation data, else a seeded validationSplit share of the training segments
   * (none when the split is 0 or there is a single segment).
   */
  private heldOut(
    train: Series,
    given: Series | undefined,
    seed: number,
  ): { fitRows: Series; validation?: Series } {
    const share = this.config.validationSplit;
    if (given || !(share > 0) || train.length < 2) return { fitRows: train, validation: given };
    const held = Math.min(train.length - 1, Math.max(1, Math.round(train.length * share)));
    const order = shuffleInPlace(
      Array.from({ length: train.length }, (_, i) => i),
      createRng(deriveSeed(seed, 'validation')),
    );
    const byRow = (a: number, b: number) => a - b;
    return {
      fitRows: selectRows(train, order.slice(held).sort(byRow)),
      validation: selectRows(train, order.slice(0, held).sort(byRow)),
    };
  }

  private requireFitted(what: string): AmslNetwork {
    if (!this.net) throw new NotFittedError('amsl', what);
    return this.net;
  }

  /**
   * Reconstruction errors of every view, one batch at a time: with `perRow`,
   * `err` is [7 * n] view-major, each view row's mean squared error reduced in
   * torch; otherwise the squared errors themselves, [7 * n, sensors, length]
   * row-major.
   */
  private *batches(
    x: Series,
    what: string,
    perRow: boolean,
    rng: Rng = createRng(this.viewSeed),
  ): Generator<{ err: Float32Array; rows: Int32Array; orders: number[][] }> {
    const net = this.requireFitted(what);
    this.check(x, `amsl.${what} input`);
    const data = this.prepare(x);
    const batch = 64;
    const scratch = this.viewScratch(batch);
    net.eval();
    for (let i = 0; i < x.length; i += batch) {
      const rows = Int32Array.from({ length: Math.min(batch, x.length - i) }, (_, k) => i + k);
      const { err, orders } = tidy(() =>
        noGrad(() => {
          const v = this.viewTensor(data, rows, rng, scratch);
          const sq = net.forward(v.x).sub(v.x).square();
          const e = (perRow ? sq.mean([1, 2]) : sq).toFloat32Array();
          return { err: e, orders: v.orders };
        }),
      );
      yield { err, rows, orders };
    }
  }

  /** Adds each segment's per-view MSEs of one batch to its score. */
  private static addScores(out: Float32Array, mse: Float32Array, rows: Int32Array): void {
    const n = rows.length;
    for (let v = 0; v < AMSL_VIEW_COUNT; v++) {
      for (let k = 0; k < n; k++) out[rows[k]!]! += mse[v * n + k]!;
    }
  }

  /** One score per segment: the sum over the views of its reconstruction MSE. */
  score(x: Series): Float32Array {
    return this.scoreWith(x, createRng(this.viewSeed));
  }

  /** Scores with the random views drawn from `rng`, segment after segment. */
  private scoreWith(x: Series, rng: Rng): Float32Array {
    const out = new Float32Array(x.length);
    for (const { err, rows } of this.batches(x, 'score', true, rng))
      AmslDetector.addScores(out, err, rows);
    return checkScores(out, x, this.name);
  }

  /**
   * The same scores as score(), returning to the event loop after every batch:
   * Node frees the native wrappers of disposed tensors there, and a long
   * synchronous loop lets them fragment glibc's heap (scoring DSADS p1+p2 in
   * one call: 0.5 -> 1.5 GB RSS; flat when yielding).
   */
  async scoreAsync(x: Series): Promise<Float32Array> {
    const perView = await this.viewScoresAsync(x);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      for (let v = 0; v < AMSL_VIEW_COUNT; v++) out[i]! += perView[i * AMSL_VIEW_COUNT + v]!;
    }
    return checkScores(out, x, this.name);
  }

  /** Each segment's reconstruction MSE per view, [n, 7] (views in AMSL_VIEWS order); rows sum to the scores. */
  async viewScoresAsync(x: Series): Promise<Float32Array> {
    const out = new Float32Array(x.length * AMSL_VIEW_COUNT);
    for (const { err, rows } of this.batches(x, 'score', true)) {
      const n = rows.length;
      for (let v = 0; v < AMSL_VIEW_COUNT; v++) {
        for (let k = 0; k < n; k++) out[rows[k]! * AMSL_VIEW_COUNT + v] = err[v * n + k]!;
      }
      await yieldToEventLoop();
    }
    return out;
  }

  /**
   * Per segment, per (step, sensor) of the original segment (time-major, like the
   * input rows): the views' squared errors / (length x sensors), moved back to the
   * step they show. Rows sum to the score.
   */
  explain(x: Series): Float32Array {
    const L = this.length;
    const S = this.sensors;
    const size = L * S;
    const out = new Float32Array(x.length * size);
    for (const { err, rows, orders } of this.batches(x, 'explain', false)) {
      const n = rows.length;
      for (let v = 0; v < AMSL_VIEW_COUNT; v++) {
        for (let k = 0; k < n; k++) {
          const map = viewTimeMap(v, L, orders[k]);
          const base = (v * n + k) * size;
          const o = rows[k]! * size;
          // err is [sensors, length] per view row.
          for (let s = 0; s < S; s++) {
            for (let p = 0; p < L; p++) out[o + map[p]! * S + s]! += err[base + s * L + p]! / size;
          }
        }
      }
    }
    return out;
  }

  /** Per segment and sensor: the reconstruction error summed over steps and views, [n, sensors]. */
  explainSensors(x: Series): Float32Array {
    const per = this.explain(x);
    const L = this.length;
    const S = this.sensors;
    const out = new Float32Array(x.length * S);
    for (let i = 0; i < x.length; i++) {
      for (let t = 0; t < L; t++) {
        for (let s = 0; s < S; s++) out[i * S + s]! += per[(i * L + t) * S + s]!;
      }
    }
    return out;
  }

  /**
   * Live scoring, one segment a row. The random views continue from one row to the next as
   * in batch scoring, so the scores equal batch `score()` of the same rows.
   */
  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    this.requireFitted('stream');
    let rng = createRng(this.viewSeed);
    const channels = this.length * this.sensors;
    return new PerRowStream<I>(
      this,
      {
        score: (row) => this.scoreWith(createSeries({ data: row, channels }), rng)[0]!,
        state: () => ({ rng: rng.state() }),
        restore: (s) => {
          rng = rngFromState(Number(s.rng));
        },
      },
      options,
    );
  }

  save(dir: string, extras: SaveExtras = {}): void {
    const weights = this.requireFitted('save').stateDict();
    const own = { seed: this.seed, scaler: this.scaler, state: { viewSeed: this.viewSeed } };
    saveDetector(dir, this, own, weights, extras);
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): AmslDetector {
    const d = new AmslDetector(manifest.config as Partial<AmslConfig>);
    if (manifest.channels !== d.length * d.sensors) {
      throw new Error(
        `manifest channels ${manifest.channels} do not match segmentShape ${JSON.stringify(d.config.segmentShape)}`,
      );
    }
    Object.assign(d, restoredBasics(manifest));
    d.viewSeed = Number((manifest.state ?? {}).viewSeed ?? 0);
    d.net = d.buildNetwork();
    d.net.loadStateDict(weights);
    d.net.eval();
    return d;
  }
}
