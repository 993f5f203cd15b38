// The AMSL network (Zhang et al., TKDE 2022): a shared 1-D convolutional encoder
// over [sensors, length]; a self-supervised head that tells the views apart; a
// global memory shared by all views and one local memory per view, each read by
// softmax addressing over the items' cosine similarity to the encoding; a learned
// per-view gate fusing the global and local read-outs; and one mirrored
// transposed-convolution decoder per view, fed the encoding concatenated with its
// fused read-out.
import {
  cat,
  tensor,
  zeros,
  Conv1d,
  ConvTranspose1d,
  Linear,
  Module,
  type Tensor,
} from '../engine/index.js';
import { initUniform } from '../engine/nn/module.js';

export interface AmslNetworkConfig {
  /** Time steps per segment. */
  length: number;
  /** Sensor channels per step (the convolution's input channels). */
  sensors: number;
  /** Output channels of the encoder's convolutions (each halves the length). */
  hidden: number[];
  /** Odd kernel width of every convolution. */
  kernel: number;
  /** Items in the global memory and in each local memory. */
  memoryItems: number;
  /** Softmax temperature of the memory addressing (cosine similarity / temperature). */
  temperature: number;
  /** Number of views (one local memory, gate and decoder each). */
  views: number;
}

export interface AmslOutput {
  /** Reconstructions, [views * batch, sensors, length], view-major like the input. */
  reconstruction: Tensor;
  /** View logits of the self-supervised head, [views * batch, views]. */
  logits: Tensor;
  /** Mean entropy of the global plus the local addressing weights (a scalar). */
  entropy: Tensor;
}

/** Encoder output length of each layer (stride 2, padding (kernel - 1) / 2). */
export function encoderLengths(length: number, layers: number, kernel: number): number[] {
  const pad = (kernel - 1) / 2;
  const lengths = [length];
  for (let i = 0; i < layers; i++) {
    lengths.push(Math.floor((lengths[i]! + 2 * pad - kernel) / 2) + 1);
  }
  return lengths;
}

/** Normalises the rows (last dim) to unit length. */
function unitRows(x: Tensor): Tensor {
  return x.div(x.square().sum(-1, true).sqrt().clamp(1e-8));
}

/** Mean over rows of the entropy of softmax weights along the last dim. */
function entropyOf(w: Tensor): Tensor {
  return w.mul(w.add(1e-12).log()).sum(-1).mean().neg();
}

export class AmslNetwork extends Module {
  readonly config: AmslNetworkConfig;
  readonly lengths: number[];
  /** Encoding size: last hidden width x last length. */
  readonly dim: number;
  private readonly encoder: Conv1d[];
  private readonly decoders: ConvTranspose1d[][];
  private readonly head: Linear;
  private readonly globalMemory: Tensor;
  private readonly localMemory: Tensor;
  private readonly gateWeight: Tensor;
  private readonly gateBias: Tensor;

  constructor(config: AmslNetworkConfig) {
    super();
    this.config = config;
    const { length, sensors, hidden, kernel, memoryItems, views } = config;
    if (kernel % 2 !== 1) throw new Error(`amsl network: kernel must be odd, got ${kernel}`);
    const pad = (kernel - 1) / 2;
    this.lengths = encoderLengths(length, hidden.length, kernel);
    const widths = [sensors, ...hidden];
    const last = hidden[hidden.length - 1]!;
    const code = this.lengths[this.lengths.length - 1]!;
    this.dim = last * code;
    this.encoder = hidden.map((h, i) =>
      this.registerModule(
        `encoder${i}`,
        new Conv1d(widths[i]!, h, kernel, { stride: 2, padding: pad }),
      ),
    );
    this.decoders = [];
    for (let v = 0; v < views; v++) {
      const layers: ConvTranspose1d[] = [];
      for (let i = hidden.length; i >= 1; i--) {
        const inWidth = i === hidden.length ? 2 * last : widths[i]!;
        const inLength = this.lengths[i]!;
        const target = this.lengths[i - 1]!;
        const outputPadding = target - ((inLength - 1) * 2 - 2 * pad + kernel);
        layers.push(
          this.registerModule(
            `decoder${v}.${hidden.length - i}`,
            new ConvTranspose1d(inWidth, widths[i - 1]!, kernel, {
              stride: 2,
              padding: pad,
              outputPadding,
            }),
          ),
        );
      }
      this.decoders.push(layers);
    }
    this.head = this.registerModule('head', new Linear(this.dim, views));
    const bound = 1 / Math.sqrt(this.dim);
    this.globalMemory = this.registerParameter(
      'globalMemory',
      initUniform(zeros([memoryItems, this.dim]), bound),
    );
    this.localMemory = this.registerParameter(
      'localMemory',
      initUniform(zeros([views, memoryItems, this.dim]), bound),
    );
    this.gateWeight = this.registerParameter(
      'gateWeight',
      initUniform(zeros([views, 2 * this.dim, 2]), 1 / Math.sqrt(2 * this.dim)),
    );
    this.gateBias = this.registerParameter('gateBias', zeros([views, 1, 2]));
  }

  /** [n, sensors, length] -> [n, dim]. */
  encode(x: Tensor): Tensor {
    let h = x;
    this.encoder.forEach((conv, i) => {
      h = conv.forward(h);
      if (i < this.encoder.length - 1) h = h.relu();
    });
    return h.flatten(1);
  }

  /** The seven (or `views`) views, view-major: [views * batch, sensors, length]. */
  run(x: Tensor): AmslOutput {
    const { views, temperature, hidden } = this.config;
    const n = x.shape[0]!;
    if (n % views !== 0) throw new Error(`amsl network: ${n} rows are not ${views} views`);
    const b = n / views;
    const d = this.dim;
    const z = this.encode(x);
    const logits = this.head.forward(z);
    // Global memory: one set of items for every view.
    const wGlobal = unitRows(z)
      .matmul(unitRows(this.globalMemory).transpose(0, 1))
      .div(temperature)
      .softmax(-1);
    const readGlobal = wGlobal.matmul(this.globalMemory).reshape([views, b, d]);
    // Local memories: view v addresses only its own items.
    const zv = z.reshape([views, b, d]);
    const wLocal = unitRows(zv)
      .matmul(unitRows(this.localMemory).transpose(1, 2))
      .div(temperature)
      .softmax(-1);
    const readLocal = wLocal.matmul(this.localMemory);
    // Per-view gate: two softmax weights per sample from both read-outs.
    const gate = cat([readGlobal, readLocal], 2)
      .matmul(this.gateWeight)
      .add(this.gateBias)
      .softmax(-1);
    const fused = readGlobal.mul(gate.slice(2, 0, 1)).add(readLocal.mul(gate.slice(2, 1, 2)));
    const last = hidden[hidden.length - 1]!;
    const code = this.lengths[this.lengths.length - 1]!;
    const decoderInput = cat(
      [zv.reshape([views, b, last, code]), fused.reshape([views, b, last, code])],
      2,
    );
    const outputs = this.decoders.map((layers, v) => {
      let h = decoderInput.slice(0, v, v + 1).reshape([b, 2 * last, code]);
      layers.forEach((layer, i) => {
        h = layer.forward(h);
        if (i < layers.length - 1) h = h.relu();
      });
      return h;
    });
    return {
      reconstruction: cat(outputs, 0),
      logits,
      entropy: entropyOf(wGlobal).add(entropyOf(wLocal)),
    };
  }

  /** The reconstructions only (Module's single-output form). */
  forward(x: Tensor): Tensor {
    return this.run(x).reconstruction;
  }
}

/** Class targets of the view head for `batch` segments per view: [views * batch] int64. */
export function viewTargets(views: number, batch: number): Tensor {
  const t = new BigInt64Array(views * batch);
  for (let v = 0; v < views; v++) t.fill(BigInt(v), v * batch, (v + 1) * batch);
  return tensor(t, [views * batch]);
}
