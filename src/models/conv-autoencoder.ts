// A small 2-D convolutional autoencoder for images [n, c, h, w] with values in [0, 1].
//
// Encoder (widths [16, 8, 4] by default): conv 3x3 (16) -> ReLU -> max-pool 2 -> conv 3x3 (8)
// -> ReLU -> max-pool 2 -> conv 3x3 (4) -> ReLU -> max-pool 2. Its output, flattened, is the
// feature vector: 4 x ceil(h/8) x ceil(w/8) values (64 for 32x32 images, and for MNIST's 28x28).
// Decoder, mirrored: upsample 2 -> conv 3x3 (8) -> ReLU -> upsample 2 -> conv 3x3 (16) ->
// ReLU -> upsample 2 -> conv 3x3 (c) -> sigmoid. All convolutions keep the size (padding 1).
//
// Sizes not divisible by 8: the input is zero-padded to the next multiple of 8 (split as
// evenly as possible, the extra row/column at the bottom/right; 28 -> 2 + 28 + 2 = 32) and
// the decoder's output is cropped back to [h, w], so the reconstruction has the input's
// shape and the loss never looks at the padding.
import {
  Module,
  Conv2d,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
  Upsample,
  type Tensor,
} from '../engine/index.js';

/** Image shape as [channels, height, width]. */
export type ChwShape = readonly [number, number, number];

/** Encoder widths, outside in; the decoder mirrors them. */
export const CAE_ENCODER_CHANNELS = [16, 8, 4] as const;

function padSplit(size: number): [number, number] {
  const total = Math.ceil(size / 8) * 8 - size;
  const before = Math.floor(total / 2);
  return [before, total - before];
}

export class ConvAutoencoder extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  /** Number of encoder features per image. */
  readonly featureSize: number;
  private readonly padH: [number, number];
  private readonly padW: [number, number];

  constructor(
    readonly shape: ChwShape,
    /** Widths of the three encoder convolutions, outside in. */
    readonly widths: readonly [number, number, number] = CAE_ENCODER_CHANNELS,
    /**
     * 'linear': no ReLU after the last encoder convolution, so features can be negative and
     * keep the distances between images that a ReLU would fold onto 0.
     */
    readonly bottleneck: 'relu' | 'linear' = 'relu',
  ) {
    super();
    const [c, h, w] = shape;
    for (const v of shape) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(
          `conv autoencoder: image shape must be positive integers, got [${shape.join(', ')}]`,
        );
    }
    if (widths.length !== 3 || widths.some((v) => !Number.isInteger(v) || v < 1))
      throw new RangeError(
        `conv autoencoder: widths must be three positive integers, got [${widths.join(', ')}]`,
      );
    const [c1, c2, c3] = widths;
    this.encoder = this.registerModule(
      'encoder',
      new Sequential(
        new Conv2d(c, c1, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(c1, c2, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(c2, c3, 3, { padding: 1 }),
        ...(bottleneck === 'relu' ? [new ReLU()] : []),
        new MaxPool2d(2),
      ),
    );
    this.decoder = this.registerModule(
      'decoder',
      new Sequential(
        new Upsample(2),
        new Conv2d(c3, c2, 3, { padding: 1 }),
        new ReLU(),
        new Upsample(2),
        new Conv2d(c2, c1, 3, { padding: 1 }),
        new ReLU(),
        new Upsample(2),
        new Conv2d(c1, c, 3, { padding: 1 }),
        new Sigmoid(),
      ),
    );
    this.padH = padSplit(h);
    this.padW = padSplit(w);
    this.featureSize = c3 * (Math.ceil(h / 8) * Math.ceil(w / 8));
  }

  private padded(x: Tensor): Tensor {
    const [top, bottom] = this.padH;
    const [left, right] = this.padW;
    if (top + bottom + left + right === 0) return x;
    return x.pad([left, right, top, bottom]);
  }

  /** Encoder output [n, 4, ceil(h/8), ceil(w/8)]. */
  encodeMap(x: Tensor): Tensor {
    return this.encoder.forward(this.padded(x));
  }

  /** Flattened features [n, featureSize]. */
  encode(x: Tensor): Tensor {
    return this.encodeMap(x).flatten(1);
  }

  /** Reconstruction [n, c, h, w] of x [n, c, h, w]. */
  forward(x: Tensor): Tensor {
    const y = this.decoder.forward(this.encodeMap(x));
    const [, h, w] = this.shape;
    const [top] = this.padH;
    const [left] = this.padW;
    if (y.shape[2] === h && y.shape[3] === w) return y;
    return y.slice(2, top, top + h).slice(3, left, left + w);
  }
}
