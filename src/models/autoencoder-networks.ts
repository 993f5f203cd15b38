// Networks that reconstruct a window: input [batch, window, channels] -> output of
// the same shape, through a narrow code (the bottleneck).
import {
  Module,
  Linear,
  LSTM,
  Conv1d,
  Sequential,
  LeakyReLU,
  ReLU,
  Dropout,
  MaxPool1d,
  Upsample,
  type Tensor,
} from '../engine/index.js';

export type AutoencoderNetworkKind = 'dense' | 'lstm' | 'conv1d';

export interface AutoencoderNetworkConfig {
  kind: AutoencoderNetworkKind;
  window: number;
  channels: number;
  /**
   * Encoder widths, outside in; the decoder mirrors them. dense: layer widths; lstm: one
   * LSTM layer each; conv1d: conv channels of each level (each level halves the time).
   */
  hidden: number[];
  /** Width of the code: dense units, LSTM hidden size, or conv channels at the bottom. */
  bottleneck: number;
  /** conv1d only: kernel size (odd, so that 'same' padding keeps the length). */
  kernel?: number;
  dropout?: number;
}

/** Flattened window -> hidden widths -> bottleneck -> mirrored widths -> flattened window. */
class DenseAutoencoder extends Module {
  private readonly net: Sequential;
  constructor(private readonly c: AutoencoderNetworkConfig) {
    super();
    const io = c.window * c.channels;
    const widths = [...c.hidden, c.bottleneck, ...[...c.hidden].reverse()];
    const layers: Module[] = [];
    let width = io;
    for (const h of widths) {
      layers.push(new Linear(width, h), new LeakyReLU(0.01));
      if (c.dropout) layers.push(new Dropout(c.dropout));
      width = h;
    }
    layers.push(new Linear(width, io));
    this.net = this.registerModule('net', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    const b = x.shape[0]!;
    return this.net.forward(x.reshape([b, -1])).reshape([b, this.c.window, this.c.channels]);
  }
}

/**
 * LSTM encoder (hidden layers, then one of the bottleneck size); its last hidden state is
 * repeated over the window and decoded by LSTM layers of the mirrored sizes, then a linear
 * map to the channels at every step.
 */
class LstmAutoencoder extends Module {
  private readonly encoder: LSTM[] = [];
  private readonly decoder: LSTM[] = [];
  private readonly head: Linear;
  constructor(private readonly c: AutoencoderNetworkConfig) {
    super();
    let input = c.channels;
    [...c.hidden, c.bottleneck].forEach((h, i) => {
      this.encoder.push(
        this.registerModule(`enc${i}`, new LSTM({ inputSize: input, hiddenSize: h })),
      );
      input = h;
    });
    const back = c.hidden.length > 0 ? [...c.hidden].reverse() : [c.bottleneck];
    back.forEach((h, i) => {
      this.decoder.push(
        this.registerModule(`dec${i}`, new LSTM({ inputSize: input, hiddenSize: h })),
      );
      input = h;
    });
    this.head = this.registerModule('head', new Linear(input, c.channels));
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.encoder) y = layer.forward(y);
    const code = y.slice(1, -1); // [b, 1, bottleneck]
    y = code.repeat([1, this.c.window, 1]);
    for (const layer of this.decoder) y = layer.forward(y);
    return this.head.forward(y);
  }
}

/**
 * Conv1d over time with the series channels as conv channels: each encoder level is a
 * 'same' convolution, ReLU and max pooling by 2; the decoder upsamples by 2 and convolves
 * back, level by level, and a last convolution maps to the series channels.
 */
class ConvAutoencoder extends Module {
  private readonly net: Sequential;
  constructor(c: AutoencoderNetworkConfig) {
    super();
    const k = c.kernel ?? 5;
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
      throw new Error(`conv1d autoencoder: kernel must be an odd positive integer, got ${k}`);
    const levels = c.hidden.length;
    if (c.window % 2 ** levels !== 0) {
      throw new Error(
        `conv1d autoencoder: window ${c.window} must be divisible by 2^${levels} = ${2 ** levels} (one halving per hidden level)`,
      );
    }
    const padding = (k - 1) / 2;
    const layers: Module[] = [];
    let input = c.channels;
    for (const h of c.hidden) {
      layers.push(new Conv1d(input, h, k, { padding }), new ReLU(), new MaxPool1d(2));
      input = h;
    }
    layers.push(new Conv1d(input, c.bottleneck, k, { padding }), new ReLU());
    input = c.bottleneck;
    for (const h of [...c.hidden].reverse()) {
      layers.push(new Upsample(2), new Conv1d(input, h, k, { padding }), new ReLU());
      input = h;
    }
    layers.push(new Conv1d(input, c.channels, k, { padding }));
    this.net = this.registerModule('net', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    return this.net.forward(x.transpose(1, 2)).transpose(1, 2);
  }
}

export function buildAutoencoderNetwork(c: AutoencoderNetworkConfig): Module {
  switch (c.kind) {
    case 'dense':
      return new DenseAutoencoder(c);
    case 'lstm':
      return new LstmAutoencoder(c);
    case 'conv1d':
      return new ConvAutoencoder(c);
  }
}
