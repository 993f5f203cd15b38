// Batch normalisation over the channel dimension (dim 1) of [n, c], [n, c, l]
// or [n, c, h, w]: batch statistics in training, running statistics in eval.
import { Module } from './module.js';
import { Tensor, ones, zeros, scalar } from '../tensor.js';
import { batchNorm } from '../functional.js';

export class BatchNorm extends Module {
  readonly weight?: Tensor;
  readonly bias?: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(
    readonly features: number,
    readonly options: { momentum?: number; eps?: number; affine?: boolean } = {},
  ) {
    super();
    if (options.affine ?? true) {
      this.weight = this.registerParameter('weight', ones([features]));
      this.bias = this.registerParameter('bias', zeros([features]));
    }
    this.runningMean = this.registerBuffer('running_mean', zeros([features]));
    this.runningVar = this.registerBuffer('running_var', ones([features]));
    this.registerBuffer('num_batches_tracked', scalar(0, 'int64'));
  }

  forward(x: Tensor): Tensor {
    return batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      training: this.training,
      momentum: this.options.momentum ?? 0.1,
      eps: this.options.eps ?? 1e-5,
    });
  }
}
