// Networks that predict the next `horizon` steps from `window` past steps:
// input [batch, window, channels] -> output [batch, horizon, channels].
import {
  Module,
  Linear,
  LSTM,
  GRU,
  BatchNorm,
  Sequential,
  LeakyReLU,
  Dropout,
  keep,
  tensor,
  type Tensor,
} from '../engine/index.js';
import {
  SlidingRecurrentWindows,
  type SlidingForecast,
  type SlidingForecastSource,
} from './sliding-windows.js';

export type ForecastNetworkKind = 'dense' | 'lstm' | 'gru' | 'stacked';

export interface ForecastNetworkConfig {
  kind: ForecastNetworkKind;
  window: number;
  horizon: number;
  channels: number;
  /** Channels forecast (default: all the input channels). */
  outputs?: number;
  /** dense: hidden layer widths; lstm/gru/stacked: one entry per recurrent layer. */
  hidden: number[];
  /** stacked only: batch norm after each recurrent layer. */
  batchNorm?: boolean;
  /**
   * Dropout probability: after each hidden layer (dense) or each recurrent
   * layer's output (lstm, gru, stacked; telemanom uses 0.3). Training only:
   * off in eval mode, so scores are deterministic.
   */
  dropout?: number;
  /**
   * lstm, gru, dense: the network forecasts the change from the window's last step,
   * adding the last input value of `residual[k]` to output k (one input channel per
   * output). A level never seen in training is then followed instead of pulled back to
   * the training range. Off when absent.
   */
  residual?: number[];
}

function outputsOf(c: ForecastNetworkConfig): number {
  return c.outputs ?? c.channels;
}

/** The residual's input channels as an index tensor, checked against the outputs. */
function residualIndex(c: ForecastNetworkConfig): Tensor | undefined {
  if (!c.residual) return undefined;
  if (c.kind === 'stacked')
    throw new Error('forecast network: residual applies to lstm, gru and dense networks');
  if (c.residual.length !== outputsOf(c) || c.residual.some((i) => i < 0 || i >= c.channels))
    throw new Error(
      `forecast network: residual ${JSON.stringify(c.residual)} needs one input channel below ${c.channels} per output (${outputsOf(c)})`,
    );
  return keep(tensor(Int32Array.from(c.residual), [c.residual.length], 'int64'));
}

/** Adds the last step's residual channels to every horizon frame: [b, h, o] + [b, 1, o]. */
function addLastValues(out: Tensor, x: Tensor, index: Tensor | undefined): Tensor {
  return index ? out.add(x.slice(1, -1).indexSelect(2, index)) : out;
}

/** A live forecast with the newest step's residual channels added to each output. */
function withLastValues(inner: SlidingForecast, residual: number[] | undefined): SlidingForecast {
  if (!residual) return inner;
  const o = residual.length;
  return {
    push(step) {
      const out = inner.push(step);
      for (let k = 0; k < out.length; k++) out[k]! += step[residual[k % o]!]!;
      return out;
    },
    reset: () => inner.reset(),
    dispose: () => inner.dispose(),
  };
}

/** Fully connected: flattened window -> hidden layers with leaky ReLU -> flattened forecast. */
class DenseForecaster extends Module {
  private readonly net: Sequential;
  private readonly residual?: Tensor;
  constructor(private readonly c: ForecastNetworkConfig) {
    super();
    this.residual = residualIndex(c);
    const layers: Module[] = [];
    let width = c.window * c.channels;
    for (const h of c.hidden) {
      layers.push(new Linear(width, h), new LeakyReLU(0.01));
      if (c.dropout) layers.push(new Dropout(c.dropout));
      width = h;
    }
    layers.push(new Linear(width, c.horizon * outputsOf(c)));
    this.net = this.registerModule('net', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    const b = x.shape[0]!;
    const out = this.net.forward(x.reshape([b, -1])).reshape([b, this.c.horizon, outputsOf(this.c)]);
    return addLastValues(out, x, this.residual);
  }
}

/** Dropout after a recurrent layer, or none when p is 0. */
function dropoutOf(c: ForecastNetworkConfig): Dropout | undefined {
  return c.dropout ? new Dropout(c.dropout) : undefined;
}

/**
 * Recurrent encoder (LSTM or GRU layers, each followed by dropout when set);
 * its last hidden state feeds a linear head.
 */
class RecurrentForecaster extends Module implements SlidingForecastSource {
  private readonly layers: (LSTM | GRU)[] = [];
  private readonly drop?: Dropout;
  private readonly head: Linear;
  private readonly residual?: Tensor;
  constructor(private readonly c: ForecastNetworkConfig) {
    super();
    this.residual = residualIndex(c);
    let input = c.channels;
    c.hidden.forEach((h, i) => {
      const cfg = { inputSize: input, hiddenSize: h, dropout: 0 };
      this.layers.push(
        this.registerModule(`rnn${i}`, c.kind === 'gru' ? new GRU(cfg) : new LSTM(cfg)),
      );
      input = h;
    });
    const drop = dropoutOf(c);
    if (drop) this.drop = this.registerModule('dropout', drop);
    this.head = this.registerModule('head', new Linear(input, c.horizon * outputsOf(c)));
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) {
      y = layer.forward(y);
      if (this.drop) y = this.drop.forward(y);
    }
    const last = y.slice(1, -1).squeeze(1);
    const b = x.shape[0]!;
    const out = this.head.forward(last).reshape([b, this.c.horizon, outputsOf(this.c)]);
    return addLastValues(out, x, this.residual);
  }
  /** Live forecasting, one step per input (inference: dropout is off). */
  slidingForecast(window: number): SlidingForecast {
    return withLastValues(
      new SlidingRecurrentWindows(
        this.layers.map((layer) => ({ layer })),
        (last) => this.head.forward(last),
        window,
      ),
      this.c.residual,
    );
  }
}

/**
 * Many-to-many: stacked LSTM layers return whole sequences (optional batch norm
 * over features after each); the last `horizon` steps map to the forecast frames.
 */
class StackedForecaster extends Module implements SlidingForecastSource {
  private readonly layers: LSTM[] = [];
  private readonly norms: (BatchNorm | undefined)[] = [];
  private readonly drop?: Dropout;
  private readonly head: Linear;
  constructor(private readonly c: ForecastNetworkConfig) {
    super();
    residualIndex(c); // refuses a residual here
    if (c.horizon > c.window)
      throw new Error(`stacked forecaster: horizon ${c.horizon} exceeds window ${c.window}`);
    let input = c.channels;
    c.hidden.forEach((h, i) => {
      this.layers.push(
        this.registerModule(`lstm${i}`, new LSTM({ inputSize: input, hiddenSize: h })),
      );
      this.norms.push(c.batchNorm ? this.registerModule(`bn${i}`, new BatchNorm(h)) : undefined);
      input = h;
    });
    const drop = dropoutOf(c);
    if (drop) this.drop = this.registerModule('dropout', drop);
    this.head = this.registerModule('head', new Linear(input, outputsOf(c)));
  }
  forward(x: Tensor): Tensor {
    let y = x;
    this.layers.forEach((layer, i) => {
      y = layer.forward(y);
      const bn = this.norms[i];
      // BatchNorm normalises dim 1, so features move there and back.
      if (bn) y = bn.forward(y.transpose(1, 2)).transpose(1, 2);
      if (this.drop) y = this.drop.forward(y);
    });
    return this.head.forward(y.slice(1, this.c.window - this.c.horizon));
  }
  /**
   * Live forecasting, one step per input (inference: batch norm uses its running statistics,
   * dropout is off). The head of the last step's output is the one-step forecast.
   */
  slidingForecast(window: number): SlidingForecast {
    return new SlidingRecurrentWindows(
      this.layers.map((layer, i) => {
        const bn = this.norms[i];
        return bn ? { layer, after: (y: Tensor) => bn.forward(y) } : { layer };
      }),
      (last) => this.head.forward(last),
      window,
    );
  }
}

export function buildForecastNetwork(c: ForecastNetworkConfig): Module {
  switch (c.kind) {
    case 'dense':
      return new DenseForecaster(c);
    case 'lstm':
    case 'gru':
      return new RecurrentForecaster(c);
    case 'stacked':
      return new StackedForecaster(c);
  }
}
