// normalcy's engine: tensors, autograd, fused nn ops, optimizers and modules on libtorch.
export {
  Tensor,
  tensor,
  scalar,
  zeros,
  ones,
  full,
  randn,
  rand,
  randint,
  randperm,
  arange,
  linspace,
  eye,
  zerosLike,
  onesLike,
  randnLike,
  cat,
  stack,
  where,
  type Shape,
} from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export { tidy, keep, dispose } from './scope.js';
export {
  enterTrainingAllocator,
  inTrainingAllocator,
  setBlockCacheCap,
  blockCacheStats,
} from './allocator.js';
export type { BlockCacheStats } from './native.js';
export {
  manualSeed,
  setNumThreads,
  getNumThreads,
  engineThreading,
  engineThreadingIfLoaded,
  adaptThreads,
  liveTensorCount,
  noGrad,
  isGradEnabled,
  setFusedInference,
  fusedInferenceEnabled,
} from './settings.js';
export { autoThreadCount, busyElsewhere, type ThreadingInfo } from './threading.js';
export * as F from './functional.js';
export {
  Optimizer,
  Adam,
  SGD,
  RMSprop,
  type AdamOptions,
  type SGDOptions,
  type RMSpropOptions,
} from './optimizer.js';
export {
  saveTensors,
  loadTensors,
  encodeTensors,
  decodeTensors,
  type TensorData,
} from './serialize.js';
export { Module, Lambda, type StateDict } from './nn/module.js';
export { Linear } from './nn/linear.js';
export { LSTM, GRU, type RecurrentConfig } from './nn/recurrent.js';
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvConfig } from './nn/conv.js';
export { BatchNorm } from './nn/batch-norm.js';
export { Sequential } from './nn/sequential.js';
export {
  ReLU,
  LeakyReLU,
  Sigmoid,
  Tanh,
  Dropout,
  MaxPool1d,
  MaxPool2d,
  Upsample,
  Flatten,
  Unflatten,
} from './nn/layers.js';
