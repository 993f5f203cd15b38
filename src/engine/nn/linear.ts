// Fully connected layer, initialised as torch.nn.Linear.
import { Module, newWeight } from './module.js';
import type { Tensor } from '../tensor.js';
import { linear } from '../functional.js';

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias?: Tensor;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
  ) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter(
      'weight',
      newWeight([outFeatures, inFeatures], bound, 'linear layer'),
    );
    if (bias)
      this.bias = this.registerParameter('bias', newWeight([outFeatures], bound, 'linear layer'));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
  /** forward, then ReLU (slope 0) or leaky ReLU, in one op. */
  forwardActivated(x: Tensor, slope: number): Tensor {
    return linear(x, this.weight, this.bias, slope);
  }
}
