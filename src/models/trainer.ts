// The minibatch training loop shared by the neural detectors: seeded shuffles,
// Adam, validation loss (given, or a seeded split of the training examples),
// early stopping with patience, best-weights restore, per-epoch progress and
// cancellation between batches.
import {
  Adam,
  adaptThreads,
  enterTrainingAllocator,
  manualSeed,
  noGrad,
  randperm,
  tensor,
  tidy,
  type Module,
  type Tensor,
} from '../engine/index.js';
import type { EpochReport, TrainingSummary } from './training-report.js';
import { deriveSeed } from '../data/random.js';

export interface TrainingConfig {
  /** The most epochs; fewer when early stopping ends training. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a validation improvement of at least minDelta before stopping; 0 = never. */
  patience: number;
  /** The smallest drop of the monitored loss that counts as an improvement (absolute). */
  minDelta: number;
  weightDecay?: number;
  /**
   * Share of the training examples held out, drawn by a seeded shuffle, to
   * monitor for early stopping when no validation data is given (telemanom:
   * 0.2); 0 = none (the training loss is monitored).
   */
  validationSplit?: number;
}

export interface TrainingData {
  /** Number of training examples. */
  count: number;
  /** Builds the input and target tensors of the examples at these indices. */
  batch(indices: Int32Array): { x: Tensor; y: Tensor };
}

export interface TrainOptions {
  seed?: number;
  signal?: AbortSignal;
  onEpoch?: (r: EpochReport) => void;
  validation?: TrainingData;
}

/** Seeds torch's generator for a network's initial weights (no-op without a seed). */
export function seedWeights(seed: number | undefined): void {
  if (seed !== undefined) manualSeed(deriveSeed(seed, 'weights'));
}

/**
 * A detector's fit options as training options. The seed itself fixes the
 * initial weights (the caller calls seedWeights before building the network),
 * so the shuffles take their own stream (deriveSeed's 'shuffle').
 */
export function trainOptionsFrom(
  options: Pick<TrainOptions, 'seed' | 'signal' | 'onEpoch'>,
  validation?: TrainingData,
): TrainOptions {
  return {
    seed: options.seed === undefined ? undefined : deriveSeed(options.seed, 'shuffle'),
    signal: options.signal,
    onEpoch: options.onEpoch,
    validation,
  };
}

export class TrainingCancelled extends Error {
  constructor() {
    super('training was cancelled');
    this.name = 'AbortError';
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function meanLoss(model: Module, data: TrainingData, batchSize: number, loss: LossFn): number {
  const wasTraining = model.training;
  model.eval();
  let sum = 0;
  for (let i = 0; i < data.count; i += batchSize) {
    const n = Math.min(batchSize, data.count - i);
    const idx = Int32Array.from({ length: n }, (_, k) => i + k);
    sum += tidy(() =>
      noGrad(() => {
        const { x, y } = data.batch(idx);
        return loss(x, y).item() * n;
      }),
    );
  }
  model.train(wasTraining);
  return sum / Math.max(1, data.count);
}

export type LossFn = (x: Tensor, y: Tensor) => Tensor;

/** The examples of data at these indices, as training data of their own. */
function subset(data: TrainingData, indices: Int32Array): TrainingData {
  return {
    count: indices.length,
    batch: (idx) => data.batch(Int32Array.from(idx, (i) => indices[i]!)),
  };
}

/**
 * Holds out round(count * share) examples (at least 1, leaving at least 1;
 * call it with 2 or more), chosen by torch's seeded generator: same seed, same
 * split. Windows overlap, so held-out windows share steps with training ones,
 * as in telemanom.
 */
export function splitValidation(
  data: TrainingData,
  share: number,
): { train: TrainingData; validation: TrainingData } {
  if (!(share > 0 && share < 1))
    throw new RangeError(`validationSplit must be between 0 and 1 (exclusive), got ${share}`);
  const held = Math.min(data.count - 1, Math.max(1, Math.round(data.count * share)));
  const order = tidy(() => randperm(data.count).to('int32').data() as Int32Array);
  // Sorted so that batches of held-out windows read the data in order.
  const validation = order.slice(0, held).sort();
  const train = order.slice(held).sort();
  return { train: subset(data, train), validation: subset(data, validation) };
}

/** Stops a diverged training where it happens, instead of saving NaN weights. */
export function checkConverging(epoch: number, loss: number, what = 'loss'): void {
  if (!Number.isFinite(loss))
    throw new Error(
      `training diverged at epoch ${epoch}: ${what} is ${loss}; lower the learning rate`,
    );
}

/** The loss of one batch, from the indices of its examples (autograd on, inside tidy). */
export type BatchLoss = (indices: Int32Array) => Tensor;

/**
 * What the training loop steps through, for a model whose batches are not
 * input/target pairs (AMSL draws random views of each batch): the per-batch
 * loss hook and, optionally, its own epoch order and held-out loss.
 */
export interface Batches {
  /** Number of training examples. */
  count: number;
  loss: BatchLoss;
  /**
   * The order of the examples for the next epoch (a permutation of 0..count-1);
   * default: torch's seeded randperm.
   */
  order?: () => Int32Array;
  /** The loss monitored for early stopping after each epoch; default: the training loss. */
  validationLoss?: () => number;
  /** Batches between returns to the event loop (default 16). */
  yieldEvery?: number;
}

/** Trains model in place; returns the summary with per-epoch history. */
export async function train(
  model: Module,
  loss: LossFn,
  data: TrainingData,
  config: TrainingConfig,
  options: TrainOptions = {},
): Promise<TrainingSummary> {
  if (data.count === 0)
    throw new Error('no training examples: the training series is shorter than one window');
  if (options.seed !== undefined) manualSeed(options.seed);
  const { train: examples, validation } =
    // With a single example there is nothing to hold out: the training loss is monitored.
    !options.validation && config.validationSplit && data.count >= 2
      ? splitValidation(data, config.validationSplit)
      : { train: data, validation: options.validation };
  const batches: Batches = {
    count: examples.count,
    loss: (idx) => {
      const { x, y } = examples.batch(idx);
      return loss(x, y);
    },
  };
  if (validation && validation.count > 0)
    batches.validationLoss = () => meanLoss(model, validation, config.batchSize, loss);
  // Seeded above, before the split: the loop's shuffles continue that stream.
  return trainBatches(model, batches, config, { ...options, seed: undefined });
}

/**
 * The loop itself: Adam over the batches in each epoch's order, per-epoch
 * report, divergence check, early stopping with best-weights restore.
 * `options.seed` seeds torch's generator first (the default order draws from it).
 */
export async function trainBatches(
  model: Module,
  batches: Batches,
  config: TrainingConfig,
  options: Omit<TrainOptions, 'validation'> = {},
): Promise<TrainingSummary> {
  // malloc's training setting (src/engine/allocator.ts) while the loop runs.
  const releaseAllocator = enterTrainingAllocator();
  try {
    return await runEpochs(model, batches, config, options);
  } finally {
    releaseAllocator();
  }
}

async function runEpochs(
  model: Module,
  batches: Batches,
  config: TrainingConfig,
  options: Omit<TrainOptions, 'validation'>,
): Promise<TrainingSummary> {
  const { count } = batches;
  if (count === 0)
    throw new Error('no training examples: the training series is shorter than one window');
  // A long-lived process (a service, a watcher) may start training on a busier
  // or quieter machine than the one it loaded on.
  adaptThreads();
  if (options.seed !== undefined) manualSeed(options.seed);
  const nextOrder =
    batches.order ?? (() => tidy(() => randperm(count).to('int32').data() as Int32Array));
  const yieldEvery = batches.yieldEvery ?? 16;
  const opt = new Adam(model.parameters(), {
    lr: config.learningRate,
    weightDecay: config.weightDecay ?? 0,
  });
  const history: EpochReport[] = [];
  const started = performance.now();
  let best = Infinity;
  let bestEpoch = 0;
  let bestState: Float32Array[] | undefined;
  let sinceBest = 0;
  let stoppedEarly = false;
  model.train();
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const t0 = performance.now();
    const order = nextOrder();
    let sum = 0;
    for (let i = 0; i < count; i += config.batchSize) {
      if (options.signal?.aborted) throw new TrainingCancelled();
      const idx = order.subarray(i, Math.min(i + config.batchSize, count));
      sum += tidy(() => {
        opt.zeroGrad();
        const l = batches.loss(idx);
        l.backward();
        opt.step();
        return l.item() * idx.length;
      });
      if ((i / config.batchSize) % yieldEvery === yieldEvery - 1) await yieldToEventLoop();
    }
    const report: EpochReport = {
      epoch,
      loss: sum / count,
      seconds: (performance.now() - t0) / 1000,
    };
    checkConverging(epoch, report.loss, 'loss');
    if (batches.validationLoss) {
      report.validationLoss = batches.validationLoss();
      model.train();
      checkConverging(epoch, report.validationLoss, 'validation loss');
    }
    history.push(report);
    options.onEpoch?.(report);
    await yieldToEventLoop();
    const monitored = report.validationLoss ?? report.loss;
    if (monitored < best - config.minDelta) {
      best = monitored;
      bestEpoch = epoch;
      sinceBest = 0;
      if (config.patience > 0) bestState = model.parameters().map((p) => p.toFloat32Array());
    } else if (config.patience > 0 && ++sinceBest >= config.patience) {
      stoppedEarly = true;
      break;
    }
  }
  // Early stopping keeps the weights of the best epoch, not the last.
  if (stoppedEarly && bestState) {
    const params = model.parameters();
    const snapshot = bestState;
    tidy(() => noGrad(() => params.forEach((p, i) => p.copy_(tensor(snapshot[i]!, p.shape)))));
  }
  model.eval();
  const last = history[history.length - 1]!;
  return {
    epochs: history.length,
    bestEpoch,
    finalLoss: last.loss,
    bestValidationLoss: batches.validationLoss ? best : undefined,
    stoppedEarly,
    seconds: (performance.now() - started) / 1000,
    history,
  };
}
