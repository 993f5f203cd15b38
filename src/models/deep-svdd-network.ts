// Deep SVDD's networks (Ruff et al., ICML 2018): a convolutional encoder without bias terms
// (a bias would let the network map every image onto the centre, the trivial solution the
// paper rules out), and the decoder that mirrors it for optional autoencoder pre-training.
//
// Encoder, one block per entry of `channels`: conv k x k (padding k/2, no bias) ->
// batch norm (no affine parameters, eps 1e-4) -> leaky ReLU (0.01) -> max-pool 2; then a
// linear map (no bias) to `repDim` features. The paper's CIFAR-10 network is channels
// [32, 64, 128], repDim 128, kernel 5; its MNIST network [8, 4], repDim 32.
// Decoder: linear (no bias) back to the last block's map -> batch norm -> leaky ReLU, then
// per block in reverse: upsample 2 -> conv k x k -> batch norm -> leaky ReLU, and a last
// conv to the image's channels with a sigmoid.
//
// Sizes not divisible by 2^blocks are zero-padded to the next multiple (as in
// conv-autoencoder.ts) and the decoder's output cropped back to [h, w].
import {
  BatchNorm,
  Conv2d,
  LeakyReLU,
  Linear,
  MaxPool2d,
  Module,
  Sequential,
  Sigmoid,
  Upsample,
  type Tensor,
} from '../engine/index.js';
import type { ChwShape } from './conv-autoencoder.js';

export interface SvddNetworkConfig {
  /** Output channels of each conv block; one max-pool 2 per block. */
  channels: readonly number[];
  /** Size of the representation (the hypersphere's space). */
  repDim: number;
  /** Odd kernel size of every convolution. */
  kernel: number;
}

const BN_EPS = 1e-4;
const SLOPE = 0.01;

const norm = (c: number) => new BatchNorm(c, { affine: false, eps: BN_EPS });

function padSplit(size: number, multiple: number): [number, number] {
  const total = Math.ceil(size / multiple) * multiple - size;
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** The padding and the last map's size shared by the encoder and the decoder. */
class Geometry {
  readonly padH: [number, number];
  readonly padW: [number, number];
  readonly mapH: number;
  readonly mapW: number;
  constructor(shape: ChwShape, blocks: number) {
    const [, h, w] = shape;
    const m = 2 ** blocks;
    this.padH = padSplit(h, m);
    this.padW = padSplit(w, m);
    this.mapH = Math.ceil(h / m);
    this.mapW = Math.ceil(w / m);
  }
}

function checkConfig(shape: ChwShape, c: SvddNetworkConfig): void {
  for (const v of shape) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(
        `deep-svdd network: image shape must be positive integers, got [${shape.join(', ')}]`,
      );
  }
  if (c.channels.length < 1 || c.channels.some((v) => !Number.isInteger(v) || v < 1))
    throw new RangeError(
      `deep-svdd network: channels must be positive integers, got [${c.channels.join(', ')}]`,
    );
  if (!Number.isInteger(c.kernel) || c.kernel < 1 || c.kernel % 2 === 0)
    throw new RangeError(
      `deep-svdd network: kernel must be an odd positive integer, got ${c.kernel}`,
    );
}

export class SvddEncoder extends Module {
  readonly convs: Sequential;
  readonly project: Linear;
  private readonly geometry: Geometry;

  constructor(
    readonly shape: ChwShape,
    readonly config: SvddNetworkConfig,
  ) {
    super();
    checkConfig(shape, config);
    const { channels, kernel, repDim } = config;
    const layers: Module[] = [];
    let inC = shape[0];
    for (const outC of channels) {
      layers.push(
        new Conv2d(inC, outC, kernel, { padding: (kernel - 1) / 2, bias: false }),
        norm(outC),
        new LeakyReLU(SLOPE),
        new MaxPool2d(2),
      );
      inC = outC;
    }
    this.geometry = new Geometry(shape, channels.length);
    this.convs = this.registerModule('convs', new Sequential(...layers));
    const flat = inC * this.geometry.mapH * this.geometry.mapW;
    this.project = this.registerModule('project', new Linear(flat, repDim, false));
  }

  /** The last block's map size [channels, h, w] (what the decoder starts from). */
  get mapShape(): [number, number, number] {
    return [this.config.channels.at(-1)!, this.geometry.mapH, this.geometry.mapW];
  }

  /** [n, c, h, w] images -> [n, repDim] representations. */
  forward(x: Tensor): Tensor {
    const { padH, padW } = this.geometry;
    const padded =
      padH[0] + padH[1] + padW[0] + padW[1] === 0 ? x : x.pad([padW[0], padW[1], padH[0], padH[1]]);
    return this.project.forward(this.convs.forward(padded).flatten(1));
  }
}

/** Deep SVDD's autoencoder: the encoder (shared, kept after pre-training) and a decoder. */
export class SvddAutoencoder extends Module {
  readonly decoderIn: Linear;
  readonly decoder: Sequential;
  private readonly geometry: Geometry;

  constructor(readonly encoder: SvddEncoder) {
    super();
    this.registerModule('encoder', encoder);
    const { shape, config } = encoder;
    const { channels, kernel, repDim } = config;
    this.geometry = new Geometry(shape, channels.length);
    const [mapC, mapH, mapW] = encoder.mapShape;
    this.decoderIn = this.registerModule(
      'decoderIn',
      new Linear(repDim, mapC * mapH * mapW, false),
    );
    const layers: Module[] = [norm(mapC), new LeakyReLU(SLOPE)];
    const widths = [...channels].reverse();
    for (let i = 0; i < widths.length; i++) {
      const inC = widths[i]!;
      const last = i === widths.length - 1;
      const outC = last ? shape[0] : widths[i + 1]!;
      layers.push(
        new Upsample(2),
        new Conv2d(inC, outC, kernel, { padding: (kernel - 1) / 2, bias: last }),
      );
      layers.push(...(last ? [new Sigmoid()] : [norm(outC), new LeakyReLU(SLOPE)]));
    }
    this.decoder = this.registerModule('decoder', new Sequential(...layers));
  }

  /** Reconstruction [n, c, h, w] of x [n, c, h, w]. */
  forward(x: Tensor): Tensor {
    const [mapC, mapH, mapW] = this.encoder.mapShape;
    const z = this.decoderIn.forward(this.encoder.forward(x));
    const y = this.decoder.forward(z.reshape([x.shape[0]!, mapC, mapH, mapW]));
    const [, h, w] = this.encoder.shape;
    if (y.shape[2] === h && y.shape[3] === w) return y;
    const top = this.geometry.padH[0];
    const left = this.geometry.padW[0];
    return y.slice(2, top, top + h).slice(3, left, left + w);
  }
}
