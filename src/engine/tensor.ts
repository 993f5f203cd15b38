// Tensor: a typed TypeScript view of one libtorch tensor. Operations return new
// tensors; autograd follows them when an input requires grad.
import { native, type Handle } from './native.js';
import { track, type Disposable } from './scope.js';
import { dtypeOfArray, type DType, type TypedArray } from './dtype.js';

export type Shape = readonly number[];
type Operand = Tensor | number;

function h(x: Operand): Handle | number {
  return typeof x === 'number' ? x : x.handle;
}

export class Tensor implements Disposable {
  readonly handle: Handle;

  /** Wraps a native handle; use the factory functions instead. */
  constructor(handle: Handle) {
    this.handle = handle;
    track(this);
  }

  get shape(): number[] {
    return native().shape(this.handle);
  }
  get dtype(): DType {
    return native().dtype(this.handle) as DType;
  }
  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get isDisposed(): boolean {
    return this.handle.isDisposed();
  }
  /** Frees the native memory now. Safe to call twice. */
  dispose(): void {
    this.handle.dispose();
  }

  // Conversion
  /** A copy of the data in the matching typed array (bool gives Uint8Array). */
  data(): TypedArray {
    return native().toArray(this.handle);
  }
  /** The data as float32, converting when needed. */
  toFloat32Array(): Float32Array {
    if (this.dtype === 'float32') return this.data() as Float32Array;
    const t = this.to('float32');
    try {
      return t.data() as Float32Array;
    } finally {
      t.dispose();
    }
  }
  toFloat64Array(): Float64Array {
    if (this.dtype === 'float64') return this.data() as Float64Array;
    const t = this.to('float64');
    try {
      return t.data() as Float64Array;
    } finally {
      t.dispose();
    }
  }
  /** Plain numbers, flattened (int64 converted through Number). */
  toArray(): number[] {
    const d = this.data();
    return d instanceof BigInt64Array ? Array.from(d, (v) => Number(v)) : Array.from(d);
  }
  item(): number {
    return native().item(this.handle);
  }
  to(dtype: DType): Tensor {
    return new Tensor(native().to(this.handle, dtype));
  }
  clone(): Tensor {
    return new Tensor(native().clone(this.handle));
  }
  detach(): Tensor {
    return new Tensor(native().detach(this.handle));
  }
  contiguous(): Tensor {
    return new Tensor(native().contiguous(this.handle));
  }

  // Arithmetic and comparison, with a tensor (broadcast) or a number.
  add(o: Operand): Tensor {
    return new Tensor(native().add(this.handle, h(o)));
  }
  sub(o: Operand): Tensor {
    return new Tensor(native().sub(this.handle, h(o)));
  }
  mul(o: Operand): Tensor {
    return new Tensor(native().mul(this.handle, h(o)));
  }
  div(o: Operand): Tensor {
    return new Tensor(native().div(this.handle, h(o)));
  }
  pow(o: Operand): Tensor {
    return new Tensor(native().pow(this.handle, h(o)));
  }
  eq(o: Operand): Tensor {
    return new Tensor(native().eq(this.handle, h(o)));
  }
  ne(o: Operand): Tensor {
    return new Tensor(native().ne(this.handle, h(o)));
  }
  lt(o: Operand): Tensor {
    return new Tensor(native().lt(this.handle, h(o)));
  }
  le(o: Operand): Tensor {
    return new Tensor(native().le(this.handle, h(o)));
  }
  gt(o: Operand): Tensor {
    return new Tensor(native().gt(this.handle, h(o)));
  }
  ge(o: Operand): Tensor {
    return new Tensor(native().ge(this.handle, h(o)));
  }
  maximum(o: Tensor): Tensor {
    return new Tensor(native().maximum(this.handle, o.handle));
  }
  minimum(o: Tensor): Tensor {
    return new Tensor(native().minimum(this.handle, o.handle));
  }
  neg(): Tensor {
    return new Tensor(native().neg(this.handle));
  }
  abs(): Tensor {
    return new Tensor(native().abs(this.handle));
  }
  exp(): Tensor {
    return new Tensor(native().exp(this.handle));
  }
  log(): Tensor {
    return new Tensor(native().log(this.handle));
  }
  sqrt(): Tensor {
    return new Tensor(native().sqrt(this.handle));
  }
  square(): Tensor {
    return new Tensor(native().square(this.handle));
  }
  sign(): Tensor {
    return new Tensor(native().sign(this.handle));
  }
  sin(): Tensor {
    return new Tensor(native().sin(this.handle));
  }
  cos(): Tensor {
    return new Tensor(native().cos(this.handle));
  }
  floor(): Tensor {
    return new Tensor(native().floor(this.handle));
  }
  round(): Tensor {
    return new Tensor(native().round(this.handle));
  }
  isnan(): Tensor {
    return new Tensor(native().isnan(this.handle));
  }
  logicalNot(): Tensor {
    return new Tensor(native().logicalNot(this.handle));
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return new Tensor(native().clamp(this.handle, min, max));
  }
  matmul(o: Tensor): Tensor {
    return new Tensor(native().matmul(this.handle, o.handle));
  }

  // Reductions: without dims they reduce over everything.
  sum(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native().sum(this.handle, dimList(dims), keepdim));
  }
  mean(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native().mean(this.handle, dimList(dims), keepdim));
  }
  std(dims?: number | number[], unbiased = true, keepdim = false): Tensor {
    return new Tensor(native().std(this.handle, dimList(dims), unbiased, keepdim));
  }
  var(dims?: number | number[], unbiased = true, keepdim = false): Tensor {
    return new Tensor(native().var(this.handle, dimList(dims), unbiased, keepdim));
  }
  max(dim?: number, keepdim = false): Tensor {
    return new Tensor(native().max(this.handle, dim, keepdim));
  }
  min(dim?: number, keepdim = false): Tensor {
    return new Tensor(native().min(this.handle, dim, keepdim));
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(native().argmax(this.handle, dim, keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return new Tensor(native().argmin(this.handle, dim, keepdim));
  }
  /** The q-quantile (q in [0, 1], linear interpolation), over everything or one dim. */
  quantile(q: number, dim?: number, keepdim = false): Tensor {
    return new Tensor(native().quantile(this.handle, q, dim, keepdim));
  }
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [v, i] = native().sort(this.handle, dim, descending);
    return { values: new Tensor(v), indices: new Tensor(i) };
  }
  cumsum(dim: number): Tensor {
    return new Tensor(native().cumsum(this.handle, dim));
  }
  norm(): Tensor {
    return new Tensor(native().norm(this.handle));
  }
  allclose(o: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
    return native().allclose(this.handle, o.handle, rtol, atol);
  }
  /** Same shape and bit-identical values. */
  equal(o: Tensor): boolean {
    return native().equal(this.handle, o.handle);
  }

  // Shape and indexing
  reshape(shape: Shape): Tensor {
    return new Tensor(native().reshape(this.handle, [...shape]));
  }
  permute(dims: number[]): Tensor {
    return new Tensor(native().permute(this.handle, dims));
  }
  transpose(d0: number, d1: number): Tensor {
    return new Tensor(native().transpose(this.handle, d0, d1));
  }
  squeeze(dim?: number): Tensor {
    return new Tensor(native().squeeze(this.handle, dim));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native().unsqueeze(this.handle, dim));
  }
  flatten(start = 0, end = -1): Tensor {
    return new Tensor(native().flatten(this.handle, start, end));
  }
  expand(shape: Shape): Tensor {
    return new Tensor(native().expand(this.handle, [...shape]));
  }
  repeat(repeats: number[]): Tensor {
    return new Tensor(native().repeat(this.handle, repeats));
  }
  /** Elements start..end (exclusive) along dim, every step-th; end omitted = to the end. */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return new Tensor(native().slice(this.handle, dim, start, end, step));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native().indexSelect(this.handle, dim, index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native().gather(this.handle, dim, index.handle));
  }
  maskedSelect(mask: Tensor): Tensor {
    return new Tensor(native().maskedSelect(this.handle, mask.handle));
  }
  flip(dims: number[]): Tensor {
    return new Tensor(native().flip(this.handle, dims));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return native()
      .chunk(this.handle, chunks, dim)
      .map((x) => new Tensor(x));
  }
  /** Pads as torch.nn.functional.pad does: pairs for the last dim first. */
  pad(pads: number[], mode: 'constant' | 'reflect' | 'replicate' = 'constant', value = 0): Tensor {
    return new Tensor(native().pad(this.handle, pads, mode, value));
  }

  // Activations
  relu(): Tensor {
    return new Tensor(native().relu(this.handle));
  }
  leakyRelu(slope = 0.01): Tensor {
    return new Tensor(native().leakyRelu(this.handle, slope));
  }
  sigmoid(): Tensor {
    return new Tensor(native().sigmoid(this.handle));
  }
  tanh(): Tensor {
    return new Tensor(native().tanh(this.handle));
  }
  softmax(dim = -1): Tensor {
    return new Tensor(native().softmax(this.handle, dim));
  }
  logSoftmax(dim = -1): Tensor {
    return new Tensor(native().logSoftmax(this.handle, dim));
  }

  // Autograd
  get requiresGrad(): boolean {
    return native().requiresGrad(this.handle);
  }
  /** Marks this (leaf) tensor as one whose gradient is wanted. Returns this. */
  requireGrad(flag = true): this {
    native().setRequiresGrad(this.handle, flag);
    return this;
  }
  /** The accumulated gradient, or undefined before any backward(). */
  get grad(): Tensor | undefined {
    const g = native().grad(this.handle);
    return g ? new Tensor(g) : undefined;
  }
  backward(gradient?: Tensor): void {
    native().backward(this.handle, gradient?.handle);
  }
  zeroGrad(): void {
    native().zeroGrad(this.handle);
  }

  // In-place, for parameter initialisation and loading (never recorded by autograd).
  uniform_(low: number, high: number): this {
    native().uniform_(this.handle, low, high);
    return this;
  }
  normal_(mean: number, std: number): this {
    native().normal_(this.handle, mean, std);
    return this;
  }
  copy_(src: Tensor): this {
    native().copy_(this.handle, src.handle);
    return this;
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}])`;
  }
}

function dimList(dims: number | number[] | undefined): number[] | undefined {
  return dims === undefined ? undefined : typeof dims === 'number' ? [dims] : dims;
}

// Factories

/** A tensor holding a copy of data, with the given shape (default: 1-D). */
export function tensor(data: ArrayBufferView | number[], shape?: Shape, dtype?: DType): Tensor {
  const arr = Array.isArray(data) ? new Float32Array(data) : data;
  const n = (arr as TypedArray).length;
  const s = shape ? [...shape] : [n];
  const src = dtypeOfArray(arr);
  return new Tensor(native().fromArray(arr, s, dtype && dtype !== src ? dtype : undefined));
}
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return new Tensor(native().full([], value, dtype));
}
export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor(native().zeros([...shape], dtype));
}
export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor(native().ones([...shape], dtype));
}
export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  return new Tensor(native().full([...shape], value, dtype));
}
/** Standard normal samples, from torch's seeded generator. */
export function randn(shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor(native().randn([...shape], dtype));
}
/** Uniform [0, 1) samples, from torch's seeded generator. */
export function rand(shape: Shape, dtype: DType = 'float32'): Tensor {
  return new Tensor(native().rand([...shape], dtype));
}
export function randint(low: number, high: number, shape: Shape): Tensor {
  return new Tensor(native().randint(low, high, [...shape], 'int64'));
}
/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number): Tensor {
  return new Tensor(native().randperm(n));
}
export function arange(start: number, end: number, step = 1, dtype: DType = 'float32'): Tensor {
  return new Tensor(native().arange(start, end, step, dtype));
}
export function linspace(
  start: number,
  end: number,
  steps: number,
  dtype: DType = 'float32',
): Tensor {
  return new Tensor(native().linspace(start, end, steps, dtype));
}
export function eye(n: number, dtype: DType = 'float32'): Tensor {
  return new Tensor(native().eye(n, dtype));
}
export function zerosLike(t: Tensor): Tensor {
  return new Tensor(native().zerosLike(t.handle));
}
export function onesLike(t: Tensor): Tensor {
  return new Tensor(native().onesLike(t.handle));
}
export function randnLike(t: Tensor): Tensor {
  return new Tensor(native().randnLike(t.handle));
}
export function cat(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(
    native().cat(
      tensors.map((t) => t.handle),
      dim,
    ),
  );
}
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(
    native().stack(
      tensors.map((t) => t.handle),
      dim,
    ),
  );
}
/** Elementwise choice: a where cond is true, b elsewhere. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  return new Tensor(native().where(cond.handle, h(a), h(b)));
}
