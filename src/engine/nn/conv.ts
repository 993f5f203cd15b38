// Convolution layers, initialised as torch.nn.Conv* (uniform +-1/sqrt(fan_in)).
import { Module, newWeight } from './module.js';
import type { Tensor } from '../tensor.js';
import { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../functional.js';

export interface ConvConfig {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
  /** Transposed convolutions only. */
  outputPadding?: number;
}

abstract class ConvBase extends Module {
  readonly weight: Tensor;
  readonly bias?: Tensor;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly groups: number;

  constructor(weightShape: number[], fanIn: number, biasSize: number, c: ConvConfig) {
    super();
    this.stride = c.stride ?? 1;
    this.padding = c.padding ?? 0;
    this.dilation = c.dilation ?? 1;
    this.groups = c.groups ?? 1;
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.registerParameter('weight', newWeight(weightShape, bound, 'convolution'));
    if (c.bias ?? true)
      this.bias = this.registerParameter('bias', newWeight([biasSize], bound, 'convolution'));
  }
  protected get opts() {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    };
  }
}

/** [n, inChannels, length] -> [n, outChannels, length']. */
export class Conv1d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernel: number, c: ConvConfig = {}) {
    const g = c.groups ?? 1;
    super([outChannels, inChannels / g, kernel], (inChannels / g) * kernel, outChannels, c);
  }
  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.opts);
  }
  /** forward, then ReLU (slope 0) or leaky ReLU, in one op. */
  forwardActivated(x: Tensor, slope: number): Tensor {
    return conv1d(x, this.weight, this.bias, this.opts, slope);
  }
}

/** [n, inChannels, h, w] -> [n, outChannels, h', w']; square kernels. */
export class Conv2d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernel: number, c: ConvConfig = {}) {
    const g = c.groups ?? 1;
    super(
      [outChannels, inChannels / g, kernel, kernel],
      (inChannels / g) * kernel * kernel,
      outChannels,
      c,
    );
  }
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.opts);
  }
}

export class ConvTranspose1d extends ConvBase {
  readonly outputPadding: number;
  constructor(inChannels: number, outChannels: number, kernel: number, c: ConvConfig = {}) {
    const g = c.groups ?? 1;
    // torch computes fan_in of the [in, out/groups, k] weight from its second dimension.
    super([inChannels, outChannels / g, kernel], (outChannels / g) * kernel, outChannels, c);
    this.outputPadding = c.outputPadding ?? 0;
  }
  forward(x: Tensor): Tensor {
    return convTranspose1d(x, this.weight, this.bias, {
      ...this.opts,
      outputPadding: this.outputPadding,
    });
  }
}

export class ConvTranspose2d extends ConvBase {
  readonly outputPadding: number;
  constructor(inChannels: number, outChannels: number, kernel: number, c: ConvConfig = {}) {
    const g = c.groups ?? 1;
    super(
      [inChannels, outChannels / g, kernel, kernel],
      (outChannels / g) * kernel * kernel,
      outChannels,
      c,
    );
    this.outputPadding = c.outputPadding ?? 0;
  }
  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      ...this.opts,
      outputPadding: this.outputPadding,
    });
  }
}
