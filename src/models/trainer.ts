// The minibatch training loop shared by the neural detectors: seeded shuffles,
// Adam, validation loss, early stopping with patience, best-weights restore,
// per-epoch progress and cancellation between batches.
import {
  Adam,
  manualSeed,
  noGrad,
  randperm,
  tensor,
  tidy,
  type Module,
  type Tensor,
} from '../engine/index.js';
import type { EpochReport, TrainingSummary } from '../detectors/detector.js';

export interface TrainingConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a validation improvement of at least minDelta before stopping; 0 = never. */
  patience: number;
  minDelta: number;
  weightDecay?: number;
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

/**
 * A detector's fit options as training options. The seed itself fixes the
 * initial weights (the caller seeds before building the network), so the
 * shuffles take seed + 1: the two draws never share a stream.
 */
export function trainOptionsFrom(
  options: Pick<TrainOptions, 'seed' | 'signal' | 'onEpoch'>,
  validation?: TrainingData,
): TrainOptions {
  return {
    seed: options.seed === undefined ? undefined : options.seed + 1,
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

/** Stops a diverged training where it happens, instead of saving NaN weights. */
export function checkConverging(epoch: number, loss: number, what = 'loss'): void {
  if (!Number.isFinite(loss))
    throw new Error(
      `training diverged at epoch ${epoch}: ${what} is ${loss}; lower the learning rate`,
    );
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
    const order = tidy(() => randperm(data.count).to('int32').data() as Int32Array);
    let sum = 0;
    for (let i = 0; i < data.count; i += config.batchSize) {
      if (options.signal?.aborted) throw new TrainingCancelled();
      const idx = order.subarray(i, Math.min(i + config.batchSize, data.count));
      sum += tidy(() => {
        const { x, y } = data.batch(idx);
        opt.zeroGrad();
        const l = loss(x, y);
        l.backward();
        opt.step();
        return l.item() * idx.length;
      });
      if ((i / config.batchSize) % 16 === 15) await yieldToEventLoop();
    }
    const report: EpochReport = {
      epoch,
      loss: sum / data.count,
      seconds: (performance.now() - t0) / 1000,
    };
    checkConverging(epoch, report.loss, 'loss');
    if (options.validation && options.validation.count > 0) {
      report.validationLoss = meanLoss(model, options.validation, config.batchSize, loss);
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
    bestValidationLoss: options.validation ? best : undefined,
    stoppedEarly,
    seconds: (performance.now() - started) / 1000,
    history,
  };
}
