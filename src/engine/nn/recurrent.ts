// LSTM and GRU layers over torch's fused multi-layer kernels, batch-first by
// default, initialised as torch.nn.LSTM / GRU (uniform +-1/sqrt(hidden)).
import { Module, newWeight } from './module.js';
import { Tensor, zeros } from '../tensor.js';
import { lstm, gru, lstmStep, gruStep } from '../functional.js';

export interface RecurrentConfig {
  inputSize: number;
  hiddenSize: number;
  layers?: number;
  dropout?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  bias?: boolean;
}

abstract class Recurrent extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  readonly bias: boolean;
  protected readonly flat: Tensor[] = [];

  constructor(c: RecurrentConfig, gates: number) {
    super();
    this.inputSize = c.inputSize;
    this.hiddenSize = c.hiddenSize;
    this.layers = c.layers ?? 1;
    this.dropout = c.dropout ?? 0;
    this.bidirectional = c.bidirectional ?? false;
    this.batchFirst = c.batchFirst ?? true;
    this.bias = c.bias ?? true;
    const dirs = this.bidirectional ? 2 : 1;
    const bound = 1 / Math.sqrt(this.hiddenSize);
    const gh = gates * this.hiddenSize;
    for (let layer = 0; layer < this.layers; layer++) {
      const inSize = layer === 0 ? this.inputSize : this.hiddenSize * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const p = (name: string, shape: number[]) =>
          this.flat.push(
            this.registerParameter(name + sfx, newWeight(shape, bound, 'recurrent layer')),
          );
        p('weight_ih', [gh, inSize]);
        p('weight_hh', [gh, this.hiddenSize]);
        if (this.bias) {
          p('bias_ih', [gh]);
          p('bias_hh', [gh]);
        }
      }
    }
  }

  /** The single-step form exists for one unidirectional layer with biases only. */
  protected checkCell(what: string): Tensor[] {
    if (this.layers !== 1 || this.bidirectional || !this.bias)
      throw new Error(
        `${what}: one step is defined for a single unidirectional layer with biases ` +
          `(this one has ${this.layers} layer(s), bidirectional ${this.bidirectional}, bias ${this.bias})`,
      );
    return this.flat;
  }

  protected zeroState(x: Tensor): Tensor {
    const batch = x.shape[this.batchFirst ? 0 : 1]!;
    return zeros([this.layers * (this.bidirectional ? 2 : 1), batch, this.hiddenSize], x.dtype);
  }

  protected get options() {
    return {
      layers: this.layers,
      hasBiases: this.bias,
      dropout: this.dropout,
      training: this.training,
      bidirectional: this.bidirectional,
      batchFirst: this.batchFirst,
    };
  }
}

export class LSTM extends Recurrent {
  constructor(c: RecurrentConfig) {
    super(c, 4);
  }
  /** Output sequence [batch, time, hidden * dirs] plus final states h, c [layers * dirs, batch, hidden]. */
  run(x: Tensor, state?: { h: Tensor; c: Tensor }): { output: Tensor; h: Tensor; c: Tensor } {
    const h0 = state?.h ?? this.zeroState(x);
    const c0 = state?.c ?? this.zeroState(x);
    return lstm(x, h0, c0, this.flat, this.options);
  }
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }
  /**
   * One time step for a batch, in place, as torch.nn.LSTMCell with this layer's weights:
   * x [batch, in] (or [1, in], the same input for every row), h and c [batch, hidden].
   * Row `openRow` (if >= 0) of h and c is reset to zero first: a sequence starting now.
   * Inference only (no autograd).
   */
  step(x: Tensor, state: { h: Tensor; c: Tensor }, openRow = -1): void {
    lstmStep(x, state.h, state.c, this.checkCell('LSTM.step'), openRow);
  }
}

export class GRU extends Recurrent {
  constructor(c: RecurrentConfig) {
    super(c, 3);
  }
  run(x: Tensor, h?: Tensor): { output: Tensor; h: Tensor } {
    return gru(x, h ?? this.zeroState(x), this.flat, this.options);
  }
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }
  /**
   * One time step for a batch, in place, as torch.nn.GRUCell: x [batch, in] (or [1, in],
   * broadcast), h [batch, hidden]; row `openRow` (if >= 0) is reset to zero first.
   * Inference only (no autograd).
   */
  step(x: Tensor, h: Tensor, openRow = -1): void {
    gruStep(x, h, this.checkCell('GRU.step'), openRow);
  }
}
