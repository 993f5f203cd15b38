// Functional forms of the fused nn ops and losses (the ATen kernels that
// PyTorch's nn modules call), for model code written over tensors.
import {
  native,
  type ConvGeometry,
  type ConvTransposeGeometry,
  type RecurrentFlags,
} from './native.js';
import { Tensor } from './tensor.js';

type Pair = number | [number, number];
const pair = (v: Pair): number[] => (typeof v === 'number' ? [v, v] : [...v]);
const single = (v: number): number[] => [v];
const opt = (t: Tensor | undefined | null) => (t ? t.handle : undefined);

export type Reduction = 'mean' | 'sum' | 'none';

/**
 * x @ weight^T + bias, weight [out, in]. `activationSlope` fuses an activation
 * into the layer: 0 ReLU, else leaky ReLU with that negative slope (one pass
 * less when scoring; Sequential uses it in eval mode without gradients).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor, activationSlope?: number): Tensor {
  return new Tensor(native().linear(x.handle, weight.handle, opt(bias), activationSlope));
}

/** One layer of linearStack: x @ weight^T + bias, then the activation (as for linear). */
export interface StackedLinear {
  weight: Tensor;
  bias?: Tensor;
  activationSlope?: number;
}

/**
 * Linear layers applied in turn, each with its optional activation: the same as that many
 * linear() calls, and one native pass when scoring (Sequential's runs of dense layers).
 */
export function linearStack(x: Tensor, layers: StackedLinear[]): Tensor {
  const n = native();
  if (!n.linearStack) {
    // An addon built before linearStack: the same layers one call each.
    let y = x;
    for (const l of layers) {
      const next = linear(y, l.weight, l.bias, l.activationSlope);
      if (y !== x) y.dispose();
      y = next;
    }
    return y;
  }
  return new Tensor(
    n.linearStack(
      x.handle,
      layers.map((l) => l.weight.handle),
      layers.map((l) => l.bias?.handle ?? null),
      layers.map((l) => l.activationSlope ?? null),
    ),
  );
}

export interface RecurrentOptions {
  layers: number;
  hasBiases: boolean;
  dropout: number;
  training: boolean;
  bidirectional: boolean;
  batchFirst: boolean;
}

const flags = (o: RecurrentOptions): RecurrentFlags => [
  o.hasBiases,
  o.layers,
  o.dropout,
  o.training,
  o.bidirectional,
  o.batchFirst,
];

/**
 * Multi-layer LSTM over a whole sequence, torch's fused kernel. params per layer
 * (and direction): w_ih [4h, in], w_hh [4h, h], then b_ih, b_hh when hasBiases.
 */
export function lstm(x: Tensor, h0: Tensor, c0: Tensor, params: Tensor[], o: RecurrentOptions) {
  const handles = params.map((p) => p.handle);
  const [out, h, c] = native().lstm(x.handle, h0.handle, c0.handle, handles, ...flags(o));
  return { output: new Tensor(out), h: new Tensor(h), c: new Tensor(c) };
}

/** Multi-layer GRU; params per layer: w_ih [3h, in], w_hh [3h, h], b_ih, b_hh. */
export function gru(x: Tensor, h0: Tensor, params: Tensor[], o: RecurrentOptions) {
  const handles = params.map((p) => p.handle);
  const [out, h] = native().gru(x.handle, h0.handle, handles, ...flags(o));
  return { output: new Tensor(out), h: new Tensor(h) };
}

/**
 * One LSTM time step for a batch of sequences, in place (inference, no autograd): row
 * `openRow` of h and c (if >= 0) is first reset to zero, then every row advances with x
 * ([batch, in], or [1, in] for the same input everywhere). params: w_ih, w_hh, b_ih, b_hh.
 */
export function lstmStep(x: Tensor, h: Tensor, c: Tensor, params: Tensor[], openRow = -1): void {
  const [wih, whh, bih, bhh] = params;
  native().lstmStep(
    x.handle,
    h.handle,
    c.handle,
    wih!.handle,
    whh!.handle,
    opt(bih),
    opt(bhh),
    openRow,
  );
}

/** One GRU time step for a batch, in place, as lstmStep. params: w_ih, w_hh, b_ih, b_hh. */
export function gruStep(x: Tensor, h: Tensor, params: Tensor[], openRow = -1): void {
  const [wih, whh, bih, bhh] = params;
  native().gruStep(x.handle, h.handle, wih!.handle, whh!.handle, opt(bih), opt(bhh), openRow);
}

export interface ConvOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

type Transpose1dOptions = ConvOptions & { outputPadding?: number };
type Transpose2dOptions = Conv2dOptions & { outputPadding?: Pair };

/** Geometry lists with one entry per spatial dimension (1: conv1d, 2: conv2d). */
function lists(o: Transpose2dOptions, dims: 1 | 2) {
  const list = dims === 1 ? (v: Pair) => single(v as number) : pair;
  const [stride, padding, dilation] = [o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1].map(list);
  return {
    stride: stride!,
    padding: padding!,
    dilation: dilation!,
    out: list(o.outputPadding ?? 0),
  };
}
function convGeometry(o: Conv2dOptions, dims: 1 | 2): ConvGeometry {
  const g = lists(o, dims);
  return [g.stride, g.padding, g.dilation, o.groups ?? 1];
}
function transposeGeometry(o: Transpose2dOptions, dims: 1 | 2): ConvTransposeGeometry {
  const g = lists(o, dims);
  return [g.stride, g.padding, g.out, o.groups ?? 1, g.dilation];
}

/** x [n, c, l], weight [out, c/groups, k]; activationSlope as for linear. */
export function conv1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor,
  o: ConvOptions = {},
  activationSlope?: number,
): Tensor {
  const geometry = convGeometry(o, 1);
  return new Tensor(native().conv1d(x.handle, weight.handle, opt(bias), ...geometry, activationSlope));
}

/** x [n, c, h, w], weight [out, c/groups, kh, kw]. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor, o: Conv2dOptions = {}): Tensor {
  return new Tensor(native().conv2d(x.handle, weight.handle, opt(bias), ...convGeometry(o, 2)));
}

/** weight [in, out/groups, k]. */
export function convTranspose1d(x: Tensor, w: Tensor, bias?: Tensor, o: Transpose1dOptions = {}) {
  return new Tensor(
    native().convTranspose1d(x.handle, w.handle, opt(bias), ...transposeGeometry(o, 1)),
  );
}

/** weight [in, out/groups, kh, kw]. */
export function convTranspose2d(x: Tensor, w: Tensor, bias?: Tensor, o: Transpose2dOptions = {}) {
  return new Tensor(
    native().convTranspose2d(x.handle, w.handle, opt(bias), ...transposeGeometry(o, 2)),
  );
}

export function maxPool1d(
  x: Tensor,
  kernel: number,
  stride = kernel,
  padding = 0,
  ceilMode = false,
): Tensor {
  return new Tensor(native().maxPool1d(x.handle, [kernel], [stride], [padding], ceilMode));
}
export function maxPool2d(
  x: Tensor,
  kernel: Pair,
  stride: Pair = kernel,
  padding: Pair = 0,
  ceilMode = false,
): Tensor {
  return new Tensor(
    native().maxPool2d(x.handle, pair(kernel), pair(stride), pair(padding), ceilMode),
  );
}
export function avgPool1d(x: Tensor, kernel: number, stride = kernel, padding = 0): Tensor {
  return new Tensor(native().avgPool1d(x.handle, [kernel], [stride], [padding]));
}
export function avgPool2d(
  x: Tensor,
  kernel: Pair,
  stride: Pair = kernel,
  padding: Pair = 0,
): Tensor {
  return new Tensor(native().avgPool2d(x.handle, pair(kernel), pair(stride), pair(padding)));
}
export function adaptiveAvgPool1d(x: Tensor, size: number): Tensor {
  return new Tensor(native().adaptiveAvgPool1d(x.handle, [size]));
}
export function adaptiveAvgPool2d(x: Tensor, size: Pair): Tensor {
  return new Tensor(native().adaptiveAvgPool2d(x.handle, pair(size)));
}
/** Nearest-neighbour upsampling of [n, c, l] or [n, c, h, w] by a scale factor. */
export function upsampleNearest(x: Tensor, scale: number): Tensor {
  return new Tensor(native().upsampleNearest(x.handle, scale));
}

export interface BatchNormOptions {
  weight?: Tensor;
  bias?: Tensor;
  runningMean?: Tensor;
  runningVar?: Tensor;
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** Batch norm over dim 1; in training it updates the running statistics in place. */
export function batchNorm(x: Tensor, o: BatchNormOptions): Tensor {
  return new Tensor(
    native().batchNorm(
      x.handle,
      opt(o.weight),
      opt(o.bias),
      opt(o.runningMean),
      opt(o.runningVar),
      o.training,
      o.momentum ?? 0.1,
      o.eps ?? 1e-5,
    ),
  );
}

export function layerNorm(
  x: Tensor,
  shape: number[],
  weight?: Tensor,
  bias?: Tensor,
  eps = 1e-5,
): Tensor {
  return new Tensor(native().layerNorm(x.handle, shape, opt(weight), opt(bias), eps));
}

export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  return new Tensor(native().dropout(x.handle, p, training));
}

export function relu(x: Tensor): Tensor {
  return x.relu();
}
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  return x.leakyRelu(slope);
}
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}
export function softmax(x: Tensor, dim = -1): Tensor {
  return x.softmax(dim);
}
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return x.logSoftmax(dim);
}

type LossKernel = 'mseLoss' | 'bceLoss' | 'bceWithLogits' | 'crossEntropy';
const loss = (kernel: LossKernel, a: Tensor, b: Tensor, reduction: Reduction): Tensor =>
  new Tensor(native()[kernel](a.handle, b.handle, reduction));

/** Mean squared error; shapes must match exactly (no silent broadcasting). */
export function mse(prediction: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return loss('mseLoss', prediction, target, reduction);
}
/** Binary cross-entropy of probabilities in [0, 1]. */
export function bce(probability: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return loss('bceLoss', probability, target, reduction);
}
export function bceWithLogits(logits: Tensor, target: Tensor, reduction: Reduction = 'mean') {
  return loss('bceWithLogits', logits, target, reduction);
}
/** Cross-entropy of logits [n, classes] against class indices [n]. */
export function crossEntropy(logits: Tensor, target: Tensor, reduction: Reduction = 'mean') {
  return loss('crossEntropy', logits, target, reduction);
}
