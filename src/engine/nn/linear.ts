// Fully connected layer, initialised as torch.nn.Linear.
import { Module, initUniform } from './module.js';
import { Tensor, zeros } from '../tensor.js';
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
      initUniform(zeros([outFeatures, inFeatures]), bound),
    );
    if (bias) this.bias = this.registerParameter('bias', initUniform(zeros([outFeatures]), bound));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
