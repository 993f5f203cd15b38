// Module: a building block with named parameters (trained), buffers (state that
// is saved but not trained, like batch-norm statistics) and child modules.
import { Tensor, zeros } from '../tensor.js';
import { keep } from '../scope.js';
import { noGrad } from '../settings.js';

export type StateDict = Record<string, Tensor>;

export abstract class Module {
  protected readonly ownParameters = new Map<string, Tensor>();
  protected readonly ownBuffers = new Map<string, Tensor>();
  protected readonly children = new Map<string, Module>();
  training = true;

  /** The main computation; modules with several outputs add methods of their own. */
  abstract forward(x: Tensor): Tensor;

  protected registerParameter(name: string, t: Tensor): Tensor {
    keep(t);
    t.requireGrad(true);
    this.ownParameters.set(name, t);
    return t;
  }
  protected registerBuffer(name: string, t: Tensor): Tensor {
    keep(t);
    this.ownBuffers.set(name, t);
    return t;
  }
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Parameters of this module and its children, by dotted name. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this.ownParameters) out.push([prefix + n, p]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this.ownBuffers) out.push([prefix + n, b]);
    for (const [n, m] of this.children) out.push(...m.namedBuffers(`${prefix}${n}.`));
    return out;
  }
  parameterCount(): number {
    return this.parameters().reduce((a, p) => a + p.size, 0);
  }

  /** Sets training mode (dropout, batch-norm statistics) here and below. */
  train(on = true): this {
    this.training = on;
    for (const m of this.children.values()) m.train(on);
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): StateDict {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Copies values in; every name must be present with the same shape. */
  loadStateDict(state: StateDict): void {
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !(k in own));
    if (missing.length || unexpected.length) {
      throw new Error(
        `state dict does not match the model: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
      );
    }
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) {
        const src = state[k]!;
        const a = t.shape.join('x');
        const b = src.shape.join('x');
        if (a !== b)
          throw new Error(`state dict entry '${k}' has shape [${b}], the model needs [${a}]`);
        t.copy_(src.dtype === t.dtype ? src : src.to(t.dtype));
      }
    });
  }

  /** Frees every parameter and buffer. The module is unusable afterwards. */
  dispose(): void {
    for (const t of this.ownParameters.values()) t.dispose();
    for (const t of this.ownBuffers.values()) t.dispose();
    for (const m of this.children.values()) m.dispose();
  }
}

/** A module made from a function (activations, reshapes). */
export class Lambda extends Module {
  constructor(
    private readonly fn: (x: Tensor) => Tensor,
    readonly name = 'lambda',
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

/** Uniform(-bound, bound) initialisation in place, as PyTorch's layers use. */
export function initUniform(t: Tensor, bound: number): Tensor {
  return noGrad(() => t.uniform_(-bound, bound));
}

/** Largest weight tensor a layer may allocate: 2^28 values (1 GiB of float32). */
export const MAX_WEIGHT_VALUES = 2 ** 28;

/**
 * A new weight of `shape`, uniform in +-bound, after checking its size: a config asking
 * for an absurd layer (hidden: [100000000]) is refused at once instead of allocating.
 */
export function newWeight(shape: number[], bound: number, layer: string): Tensor {
  const values = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || values > MAX_WEIGHT_VALUES)
    throw new RangeError(
      `${layer}: a weight of shape [${shape.join(', ')}] (${values.toExponential(2)} values) is larger than the ${MAX_WEIGHT_VALUES} allowed; lower the layer sizes (e.g. hidden)`,
    );
  return initUniform(zeros(shape), bound);
}
