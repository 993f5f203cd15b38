// A small CNN that tells which of `classes` transformations was applied to an image
// [n, c, s, s]: per width, conv 3x3 (no bias) -> batch norm -> ReLU -> max-pool 2 (while
// the map is at least 2 pixels), then average pooling to a grid of at most 4 x 4 cells,
// which keeps where things are (translations and rotations move them) at any input size,
// and a linear layer to one logit per transformation.
import {
  BatchNorm,
  Conv2d,
  F,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  type Tensor,
} from '../engine/index.js';

export class TransformClassifier extends Module {
  readonly features: Sequential;
  readonly head: Linear;
  /** Side of the pooled grid. */
  readonly grid: number;

  constructor(
    readonly inChannels: number,
    /** Side of the square input images. */
    readonly size: number,
    readonly widths: readonly number[],
    readonly classes: number,
  ) {
    super();
    if (widths.length === 0) throw new RangeError('transform classifier: widths is empty');
    const layers: Module[] = [];
    let side = size;
    let c = inChannels;
    for (const w of widths) {
      layers.push(new Conv2d(c, w, 3, { padding: 1, bias: false }), new BatchNorm(w), new ReLU());
      if (side >= 2) {
        layers.push(new MaxPool2d(2));
        side = Math.floor(side / 2);
      }
      c = w;
    }
    this.grid = Math.min(4, side);
    this.features = this.registerModule('features', new Sequential(...layers));
    this.head = this.registerModule('head', new Linear(c * this.grid * this.grid, classes));
  }

  /** Logits [n, classes]. */
  forward(x: Tensor): Tensor {
    const f = F.adaptiveAvgPool2d(this.features.forward(x), this.grid);
    return this.head.forward(f.flatten(1));
  }
}
