// The one place that loads the libtorch addon. Everything else in normalcy
// talks to torch through ./tensor.ts and friends, so another build of the
// addon (a CUDA libtorch, say) only has to replace what this file loads.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { packageRoot } from '../version.js';
import {
  applyWaitPolicy,
  autoThreadCount,
  busyElsewhere,
  threadsFromEnvironment,
  type ThreadingInfo,
} from './threading.js';

/** Opaque handle to a native torch tensor. */
export interface Handle {
  dispose(): void;
  isDisposed(): boolean;
}

export interface OptimizerHandle {
  step(): void;
  zeroGrad(): void;
  setLr(lr: number): void;
  getLr(): number;
}

/** Options of `OneClassSvmHandle.fit` (see native/svm.cc). */
export interface OneClassSvmFitOptions {
  nu: number;
  gamma: number;
  tol?: number;
  cacheMb?: number;
  shrinking?: boolean;
}

/** A fitted one-class SVM's parameters, as `OneClassSvmHandle.serialize` returns them. */
export interface OneClassSvmNativeState {
  cols: number;
  gamma: number;
  rho: number;
  coef: number[];
  /** Support vectors, row-major, coef.length rows of cols values. */
  supportVectors: number[];
}

/** libsvm's one-class SVM with an RBF kernel. */
export interface OneClassSvmHandle {
  fit(
    data: Float64Array,
    rows: number,
    cols: number,
    options: OneClassSvmFitOptions,
  ): { nSupport: number; rho: number; supportIndices: Int32Array };
  decision(data: Float64Array, rows: number): Float64Array;
  serialize(): OneClassSvmNativeState;
  load(cols: number, gamma: number, rho: number, coef: Float64Array, sv: Float64Array): void;
  isFitted(): boolean;
}

type H = Handle;
type Num = H | number;
type Opt<T> = T | undefined | null;
/** The settings of torch's fused recurrent kernels, after the inputs and weights. */
export type RecurrentFlags = [
  hasBiases: boolean,
  layers: number,
  dropout: number,
  train: boolean,
  bidirectional: boolean,
  batchFirst: boolean,
];
/** A convolution's geometry after x, weight and bias (one list entry per spatial dimension). */
export type ConvGeometry = [
  stride: number[],
  padding: number[],
  dilation: number[],
  groups: number,
];
/** The same for a transposed convolution, in the order torch's kernel takes it. */
export type ConvTransposeGeometry = [
  stride: number[],
  padding: number[],
  outputPadding: number[],
  groups: number,
  dilation: number[],
];
type ConvKernel = (x: H, w: H, b: Opt<H>, ...geometry: ConvGeometry) => H;
type ConvTransposeKernel = (x: H, w: H, b: Opt<H>, ...geometry: ConvTransposeGeometry) => H;

export interface NativeBinding {
  TensorHandle: new (...args: never[]) => Handle;
  OptimizerHandle: new (
    kind: string,
    params: H[],
    options: Record<string, unknown>,
  ) => OptimizerHandle;
  OneClassSvmHandle: new () => OneClassSvmHandle;
  manualSeed(seed: number): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** Absent from addons built before it existed (then the allocator switch is a no-op). */
  setMallocThresholds?(mmapBytes: number, trimBytes: number, mmapMax?: number): boolean;
  /** The block cache's cap in bytes (native/block_cache.cc; 0: off); absent from older addons. */
  setBlockCacheCap?(capBytes: number): void;
  blockCacheStats?(): BlockCacheStats;
  /** Which library runs libtorch's float matrix products (native/gemm_route.cc); absent from older addons. */
  gemmBackend?(): 'onednn' | 'openblas';
  /** How many products oneDNN has run for libtorch in this process. */
  gemmRouted?(): number;
  setGradEnabled(enabled: boolean): void;
  isGradEnabled(): boolean;
  liveTensors(): number;
  configInfo(): string;
  setFusedInference(enabled: boolean): void;
  fromArray(data: ArrayBufferView, shape: number[], dtype?: string): H;
  toArray(t: H): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
  shape(t: H): number[];
  dtype(t: H): string;
  item(t: H): number;
  zeros(shape: number[], dtype?: string): H;
  ones(shape: number[], dtype?: string): H;
  full(shape: number[], value: number, dtype?: string): H;
  randn(shape: number[], dtype?: string): H;
  rand(shape: number[], dtype?: string): H;
  randint(low: number, high: number, shape: number[], dtype?: string): H;
  randperm(n: number): H;
  arange(start: number, end: number, step?: number, dtype?: string): H;
  linspace(start: number, end: number, steps: number, dtype?: string): H;
  eye(n: number, dtype?: string): H;
  zerosLike(t: H): H;
  onesLike(t: H): H;
  randnLike(t: H): H;
  to(t: H, dtype: string): H;
  clone(t: H): H;
  detach(t: H): H;
  contiguous(t: H): H;
  uniform_(t: H, low: number, high: number): void;
  normal_(t: H, mean: number, std: number): void;
  copy_(dst: H, src: H): void;
  add(a: H, b: Num): H;
  sub(a: H, b: Num): H;
  mul(a: H, b: Num): H;
  div(a: H, b: Num): H;
  pow(a: H, b: Num): H;
  eq(a: H, b: Num): H;
  ne(a: H, b: Num): H;
  lt(a: H, b: Num): H;
  le(a: H, b: Num): H;
  gt(a: H, b: Num): H;
  ge(a: H, b: Num): H;
  maximum(a: H, b: H): H;
  minimum(a: H, b: H): H;
  neg(t: H): H;
  abs(t: H): H;
  exp(t: H): H;
  log(t: H): H;
  sqrt(t: H): H;
  square(t: H): H;
  sign(t: H): H;
  relu(t: H): H;
  sigmoid(t: H): H;
  tanh(t: H): H;
  sin(t: H): H;
  cos(t: H): H;
  floor(t: H): H;
  round(t: H): H;
  isnan(t: H): H;
  logicalNot(t: H): H;
  leakyRelu(t: H, slope?: number): H;
  softmax(t: H, dim?: number): H;
  logSoftmax(t: H, dim?: number): H;
  clamp(t: H, min?: Opt<number>, max?: Opt<number>): H;
  where(cond: H, a: Num, b: Num): H;
  matmul(a: H, b: H): H;
  sum(t: H, dims?: Opt<number[]>, keepdim?: boolean): H;
  mean(t: H, dims?: Opt<number[]>, keepdim?: boolean): H;
  std(t: H, dims?: Opt<number[]>, unbiased?: boolean, keepdim?: boolean): H;
  var(t: H, dims?: Opt<number[]>, unbiased?: boolean, keepdim?: boolean): H;
  max(t: H, dim?: Opt<number>, keepdim?: boolean): H;
  min(t: H, dim?: Opt<number>, keepdim?: boolean): H;
  argmax(t: H, dim?: Opt<number>, keepdim?: boolean): H;
  argmin(t: H, dim?: Opt<number>, keepdim?: boolean): H;
  quantile(t: H, q: number, dim?: Opt<number>, keepdim?: boolean): H;
  sort(t: H, dim?: number, descending?: boolean): [H, H];
  cumsum(t: H, dim: number): H;
  norm(t: H): H;
  allclose(a: H, b: H, rtol?: number, atol?: number): boolean;
  equal(a: H, b: H): boolean;
  reshape(t: H, shape: number[]): H;
  permute(t: H, dims: number[]): H;
  transpose(t: H, d0: number, d1: number): H;
  squeeze(t: H, dim?: Opt<number>): H;
  unsqueeze(t: H, dim: number): H;
  flatten(t: H, start?: number, end?: number): H;
  expand(t: H, shape: number[]): H;
  repeat(t: H, repeats: number[]): H;
  slice(t: H, dim: number, start?: Opt<number>, end?: Opt<number>, step?: number): H;
  indexSelect(t: H, dim: number, index: H): H;
  gather(t: H, dim: number, index: H): H;
  maskedSelect(t: H, mask: H): H;
  cat(ts: H[], dim?: number): H;
  stack(ts: H[], dim?: number): H;
  flip(t: H, dims: number[]): H;
  chunk(t: H, chunks: number, dim?: number): H[];
  pad(t: H, pads: number[], mode?: string, value?: number): H;
  /** activationSlope: a ReLU (0) or leaky ReLU after the layer, in the same op. */
  linear(x: H, w: H, b?: Opt<H>, activationSlope?: number): H;
  /** Absent from addons built before it existed (then linearStack runs layer by layer). */
  linearStack?(x: H, weights: H[], biases: (H | null)[], slopes: (number | null)[]): H;
  lstm(x: H, h0: H, c0: H, params: H[], ...flags: RecurrentFlags): [H, H, H];
  gru(x: H, h0: H, params: H[], ...flags: RecurrentFlags): [H, H];
  lstmStep(x: H, h: H, c: H, wih: H, whh: H, bih: Opt<H>, bhh: Opt<H>, openRow: number): void;
  gruStep(x: H, h: H, wih: H, whh: H, bih: Opt<H>, bhh: Opt<H>, openRow: number): void;
  conv1d(x: H, w: H, b: Opt<H>, ...geometry: [...ConvGeometry, activationSlope?: number]): H;
  conv2d: ConvKernel;
  convTranspose1d: ConvTransposeKernel;
  convTranspose2d: ConvTransposeKernel;
  maxPool1d(x: H, kernel: number[], stride: number[], padding: number[], ceilMode: boolean): H;
  maxPool2d(x: H, kernel: number[], stride: number[], padding: number[], ceilMode: boolean): H;
  avgPool1d(x: H, kernel: number[], stride: number[], padding: number[]): H;
  avgPool2d(x: H, kernel: number[], stride: number[], padding: number[]): H;
  adaptiveAvgPool1d(x: H, size: number[]): H;
  adaptiveAvgPool2d(x: H, size: number[]): H;
  upsampleNearest(x: H, scale: number): H;
  batchNorm(
    x: H,
    w: Opt<H>,
    b: Opt<H>,
    runMean: Opt<H>,
    runVar: Opt<H>,
    training: boolean,
    momentum: number,
    eps: number,
  ): H;
  layerNorm(x: H, shape: number[], w: Opt<H>, b: Opt<H>, eps: number): H;
  dropout(x: H, p: number, train: boolean): H;
  mseLoss(a: H, b: H, reduction?: string): H;
  bceLoss(p: H, y: H, reduction?: string): H;
  bceWithLogits(x: H, y: H, reduction?: string): H;
  crossEntropy(logits: H, target: H, reduction?: string): H;
  setRequiresGrad(t: H, flag: boolean): void;
  requiresGrad(t: H): boolean;
  grad(t: H): H | undefined;
  backward(t: H, gradient?: H): void;
  zeroGrad(t: H): void;
}

let binding: NativeBinding | undefined;

/** Path of the compiled addon, built by `npm run build:addon`. */
export function addonPath(): string {
  return join(packageRoot(), 'build', 'Release', 'normalcy_torch.node');
}

let threading: ThreadingInfo | undefined;

/**
 * Loads the addon once. Before it does, the environment the native libraries
 * read at load time is set: OPENBLAS_NUM_THREADS=1 (torch parallelises above
 * BLAS, and nested BLAS threads made LSTM training 3.6x slower here) and
 * OMP_WAIT_POLICY=PASSIVE unless the user chose a policy (see threading.ts).
 * Torch's thread count is NORMALCY_THREADS, else the cores not busy with
 * other work when the addon loads (the trainer asks again at each fit).
 */
let mmapThresholdFromUser = false;

/** What the cache of large tensor buffers holds and has done (native/block_cache.cc). */
export interface BlockCacheStats {
  /** Whether the cache is torch's CPU allocator (from the first cap above 0 on). */
  installed: boolean;
  capBytes: number;
  cachedBytes: number;
  cachedBlocks: number;
  /** Allocations of 128 KiB and more served from the cache, and not. */
  hits: number;
  misses: number;
  /** Blocks freed to keep the cache within its cap. */
  evictions: number;
}

let blockCacheBytes = 0;

/** The block cache's cap outside training (bytes): NORMALCY_BLOCK_CACHE_MB, or as set since. */
export function blockCacheCapSetting(): number {
  return blockCacheBytes;
}

/** Records the cap outside training (src/engine/allocator.ts applies it). */
export function recordBlockCacheCap(bytes: number): void {
  blockCacheBytes = bytes;
}

/** The block cache's default cap: 256 MiB. */
export const DEFAULT_BLOCK_CACHE_MB = 256;

/** NORMALCY_BLOCK_CACHE_MB (MiB the cache of large tensor buffers may hold; 0: off) in bytes. */
export function blockCacheBytesFromEnvironment(value: string | undefined): number {
  const v = (value ?? '').trim();
  if (v === '') return DEFAULT_BLOCK_CACHE_MB * 2 ** 20;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`NORMALCY_BLOCK_CACHE_MB must be a number of MiB >= 0 (0: off), got "${value}"`);
  return Math.round(n * 2 ** 20);
}

/** Whether NORMALCY_MMAP_THRESHOLD came from the user (then the engine never changes it). */
export function mmapThresholdSetByUser(): boolean {
  return mmapThresholdFromUser;
}

export function native(): NativeBinding {
  if (binding) return binding;
  const path = addonPath();
  if (!existsSync(path)) {
    throw new Error(
      `normalcy's libtorch addon is not built (${path} is missing): run \`npm run build\``,
    );
  }
  const requested = threadsFromEnvironment(process.env.NORMALCY_THREADS);
  blockCacheBytes = blockCacheBytesFromEnvironment(process.env.NORMALCY_BLOCK_CACHE_MB);
  process.env.OPENBLAS_NUM_THREADS ??= '1';
  const wait = applyWaitPolicy();
  // A fixed 128 KiB mmap threshold (read by the addon when it loads; 0 keeps glibc's
  // dynamic one). Synchronous batch loops (score, explain) never return to the event
  // loop, where Node runs the finalizers of freed tensor handles; under the dynamic
  // threshold their big buffers then came from a fragmented heap and `score` grew about
  // 3 KB per row (1.8 GB at 10^5 rows with an LSTM). Fixed, it stays flat (bench/score-memory.ts).
  // During training the engine lifts it again (src/engine/allocator.ts).
  mmapThresholdFromUser = process.env.NORMALCY_MMAP_THRESHOLD !== undefined;
  process.env.NORMALCY_MMAP_THRESHOLD ??= String(128 * 1024);
  const require = createRequire(import.meta.url);
  const loaded = require(path) as NativeBinding;
  const cores = availableParallelism();
  const busy = requested === 'auto' ? busyElsewhere() : 0;
  const threads = requested === 'auto' ? autoThreadCount(cores, busy) : requested;
  loaded.setNumThreads(threads);
  // Large tensor buffers freed by one scoring batch serve the next one (native/block_cache.cc).
  loaded.setBlockCacheCap?.(blockCacheBytes);
  binding = loaded;
  threading = {
    threads,
    chosenBy: requested === 'auto' ? 'auto' : 'NORMALCY_THREADS',
    cores,
    busyElsewhere: Number(busy.toFixed(2)),
    ompWaitPolicy: wait.policy,
    ompWaitPolicyFrom: wait.from,
    gemm: loaded.gemmBackend?.() ?? 'openblas',
  };
  return binding;
}

/**
 * Chooses the automatic thread count again from the cores free now, where
 * NORMALCY_THREADS did not fix it and no setNumThreads call overrode it; the
 * trainer calls this at the start of each fit. Returns the count in use.
 */
export function refreshAutoThreads(): number {
  const n = native();
  const info = threading!;
  if (info.chosenBy !== 'auto' || n.getNumThreads() !== info.threads) return n.getNumThreads();
  const busy = busyElsewhere();
  const threads = autoThreadCount(info.cores, busy);
  if (threads !== info.threads) n.setNumThreads(threads);
  info.threads = threads;
  info.busyElsewhere = Number(busy.toFixed(2));
  return threads;
}

/**
 * The engine's threading; undefined when the addon is not loaded and `load`
 * is false (a run that never used torch has none to report).
 */
export function threadingInfo(load = true): ThreadingInfo | undefined {
  if (!binding && !load) return undefined;
  const n = native();
  const info = threading!;
  const now = n.getNumThreads();
  if (now !== info.threads) {
    info.threads = now;
    info.chosenBy = 'setNumThreads';
  }
  return { ...info };
}
