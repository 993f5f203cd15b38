// torch's optimizers (Adam, SGD, RMSprop) driven from TypeScript.
import { native, type OptimizerHandle } from './native.js';
import type { Tensor } from './tensor.js';

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}
export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}
export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

export class Optimizer {
  private readonly impl: OptimizerHandle;
  /** The parameters are held so they stay alive while the optimizer updates them. */
  readonly params: readonly Tensor[];

  protected constructor(kind: string, params: Tensor[], options: object) {
    if (params.length === 0) throw new Error(`${kind}: no parameters to optimise`);
    for (const p of params) {
      if (!p.requiresGrad)
        throw new Error(`${kind}: parameter ${p.toString()} does not require grad`);
    }
    this.params = params;
    this.impl = new (native().OptimizerHandle)(
      kind,
      params.map((p) => p.handle),
      { ...options },
    );
  }
  /** Applies one update from the parameters' accumulated gradients. */
  step(): void {
    this.impl.step();
  }
  /** Clears the gradients (to none, as PyTorch 2 does). */
  zeroGrad(): void {
    this.impl.zeroGrad();
  }
  get lr(): number {
    return this.impl.getLr();
  }
  set lr(value: number) {
    this.impl.setLr(value);
  }
}

export class Adam extends Optimizer {
  constructor(params: Tensor[], options: AdamOptions = {}) {
    super('adam', params, options);
  }
}
export class SGD extends Optimizer {
  constructor(params: Tensor[], options: SGDOptions = {}) {
    super('sgd', params, options);
  }
}
export class RMSprop extends Optimizer {
  constructor(params: Tensor[], options: RMSpropOptions = {}) {
    super('rmsprop', params, options);
  }
}
