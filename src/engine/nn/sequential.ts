// Sequential: modules applied in order; children are named "0", "1", ... as in torch.
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { Linear } from './linear.js';
import { Conv1d } from './conv.js';
import { Dropout, LeakyReLU, ReLU } from './layers.js';
import { fusedInferenceEnabled, isGradEnabled } from '../settings.js';
import { linearStack, type StackedLinear } from '../functional.js';

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
   * a ReLU or leaky ReLU runs as one op (the engine's inference kernels), and
   * a run of two or more linear layers (each with its activation; dropout is
   * the identity in eval mode) runs as one native pass (linearStack).
   */
  forward(x: Tensor): Tensor {
    const fuse = !this.training && fusedInferenceEnabled() && !isGradEnabled();
    let y = x;
    for (let i = 0; i < this.layers.length; i++) {
      const m = this.layers[i]!;
      if (fuse && m instanceof Linear) {
        const run = this.linearRun(i);
        if (run.layers.length >= 2) {
          y = linearStack(y, run.layers);
          i = run.end - 1;
          continue;
        }
      }
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

  /** The linear layers (with their activations) from `start` on, and the index after them. */
  private linearRun(start: number): { layers: StackedLinear[]; end: number } {
    const layers: StackedLinear[] = [];
    let i = start;
    while (i < this.layers.length) {
      const m = this.layers[i];
      if (m instanceof Dropout) {
        i++;
        continue;
      }
      if (!(m instanceof Linear)) break;
      const activationSlope = this.activationAfter(i + 1);
      layers.push({ weight: m.weight, bias: m.bias, activationSlope: activationSlope?.slope });
      i = activationSlope ? activationSlope.end : i + 1;
    }
    return { layers, end: i };
  }

  /** The activation at `i` (past eval-mode dropouts) and the index after it. */
  private activationAfter(i: number): { slope: number; end: number } | undefined {
    while (this.layers[i] instanceof Dropout) i++;
    const slope = activationSlope(this.layers[i]);
    return slope === undefined ? undefined : { slope, end: i + 1 };
  }
}
