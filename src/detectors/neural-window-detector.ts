// The base of the neural window detectors (forecaster, autoencoder): the state
// they share (network, scaler, score scale, seed, channels, training summary),
// the preparation of a series for the network (window-prep.ts), the "not
// fitted" check, and the save/load of that state. A subclass builds its
// network, cuts its windows and turns errors into scores.
import { F, type Module, type Tensor } from '../engine/index.js';
import { seedWeights, train, trainOptionsFrom, type TrainingData } from '../models/trainer.js';
import { unitStdScale } from './score-scale.js';
import type { Scaler } from '../data/scalers.js';
import type { Series } from '../data/series.js';
import type { WindowTrainingConfig } from './config-fields.js';
import type { Manifest, SaveExtras } from './model-dir.js';
import { restoredBasics, saveDetector } from './saved-detector.js';
import type { StreamOptions, StreamScorer } from './stream-scorer.js';
import { downsampleBy, fitWindowScaler, preparedValues, scaledValues } from './window-prep.js';
import {
  NotFittedError,
  type Detector,
  type FitOptions,
  type TrainingSummary,
} from './detector.js';

export abstract class NeuralWindowDetector<
  C extends WindowTrainingConfig & { trainShift: number },
> implements Detector {
  abstract readonly name: string;
  abstract readonly config: C;
  protected net?: Module;
  protected scaler?: Scaler;
  /** Divisor-free factor the scores are multiplied by (config.normalize). */
  protected scoreScale = 1;
  protected seed?: number;
  channels = 0;
  summary?: TrainingSummary;

  abstract fit(train: Series, options?: FitOptions): Promise<TrainingSummary>;
  abstract score(x: Series): Float32Array;
  abstract explain(x: Series): Float32Array;
  abstract stream<I = unknown>(options?: StreamOptions<I>): StreamScorer<I>;
  /** The network for the current config and channels, untrained. */
  protected abstract buildNetwork(): Module;

  get fitted(): boolean {
    return this.net !== undefined;
  }

  /** Downsampled, then scaled: the values the windows are cut from. */
  protected prepare(x: Series): Float32Array {
    return preparedValues(x, this.config.downsample, this.scaler);
  }

  protected requireFitted(what: string): Module {
    if (!this.net) throw new NotFittedError(this.name, what);
    return this.net;
  }

  save(dir: string, extras: SaveExtras = {}): void {
    const weights = this.requireFitted('save').stateDict();
    const own = { seed: this.seed, scaler: this.scaler, state: { scoreScale: this.scoreScale } };
    saveDetector(dir, this, own, weights, extras);
  }

  /**
   * The fit both share once the input is checked: the scaler on the downsampled
   * training data, the seeded network, the trainer (MSE of the network's output
   * against the dataset's targets), then the score scale when config.normalize
   * (over the validation or training scores, less the first `unscoredSteps`).
   */
  protected async fitNetwork(
    trainSeries: Series,
    options: FitOptions,
    dataset: (data: Float32Array, shift: number) => TrainingData,
    unscoredSteps = 0,
  ): Promise<TrainingSummary> {
    const c = this.config;
    this.channels = trainSeries.channels;
    this.seed = options.seed;
    const dsTrain = downsampleBy(trainSeries, c.downsample);
    this.scaler = fitWindowScaler(c.scaler, dsTrain);
    const trainData = scaledValues(dsTrain, this.scaler);
    // The seed fixes the initial weights here and the shuffles in train().
    seedWeights(options.seed);
    this.net?.dispose();
    this.net = this.buildNetwork();
    const model = this.net;
    this.summary = await train(
      model,
      (x, y) => F.mse(model.forward(x), y),
      dataset(trainData, c.trainShift),
      c,
      trainOptionsFrom(
        options,
        options.validation && dataset(this.prepare(options.validation), c.trainShift),
      ),
    );
    this.scoreScale = 1;
    if (c.normalize)
      this.scoreScale = unitStdScale(this.score(options.validation ?? trainSeries), unscoredSteps);
    return this.summary;
  }

  /** Restores the shared state and the network's weights from a model directory. */
  protected restore(manifest: Manifest, weights: Record<string, Tensor>): this {
    Object.assign(this, restoredBasics(manifest));
    this.scoreScale = Number((manifest.state ?? {}).scoreScale ?? 1);
    this.net = this.buildNetwork();
    this.net.loadStateDict(weights);
    this.net.eval();
    return this;
  }
}
