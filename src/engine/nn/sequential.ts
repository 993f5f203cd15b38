// Sequential: modules applied in order; children are named "0", "1", ... as in torch.
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { Linear } from './linear.js';
import { Conv1d } from './conv.js';
import { LeakyReLU, ReLU } from './layers.js';
import { fusedInferenceEnabled, isGradEnabled } from '../settings.js';

/** The negative slope of a ReLU (0) or leaky ReLU module; undefined for anything else. */
function activationSlope(m: Module | undefined): number | undefined {
  if (m instanceof ReLU) return 0;
  if (m instanceof LeakyReLU) return m.slope;
  return undefined;
}

export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  /**
   * When scoring (eval mode, no gradients) a linear or conv1d layer followed by
   * a ReLU or leaky ReLU runs as one op (the engine's inference kernels).
   */
  forward(x: Tensor): Tensor {
    const fuse = !this.training && fusedInferenceEnabled() && !isGradEnabled();
    let y = x;
    for (let i = 0; i < this.layers.length; i++) {
      const m = this.layers[i]!;
      const slope = fuse ? activationSlope(this.layers[i + 1]) : undefined;
      if (slope !== undefined && (m instanceof Linear || m instanceof Conv1d)) {
        y = m.forwardActivated(y, slope);
        i++;
      } else {
        y = m.forward(y);
      }
    }
    return y;
  }
}
