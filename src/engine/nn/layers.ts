// Parameter-free layers for Sequential models.
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { dropout, maxPool1d, maxPool2d, upsampleNearest } from '../functional.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}
export class LeakyReLU extends Module {
  constructor(readonly slope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.slope);
  }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}
export class MaxPool1d extends Module {
  constructor(
    readonly kernel: number,
    readonly stride = kernel,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernel, this.stride);
  }
}
export class MaxPool2d extends Module {
  constructor(
    readonly kernel: number,
    readonly stride = kernel,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernel, this.stride);
  }
}
export class Upsample extends Module {
  constructor(readonly scale: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return upsampleNearest(x, this.scale);
  }
}
/** Flattens all dimensions after the batch. */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return x.flatten(1);
  }
}
/** Reshapes the non-batch dimensions. */
export class Unflatten extends Module {
  constructor(readonly shape: number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.reshape([x.shape[0]!, ...this.shape]);
  }
}
