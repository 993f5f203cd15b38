// Engine-wide settings: the random seed, the thread count, grad mode.
import { native, refreshAutoThreads, threadingInfo } from './native.js';
import type { ThreadingInfo } from './threading.js';

/** Seeds torch's generator: same seed, same initial weights, same shuffles. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0)
    throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  native().manualSeed(seed);
}

/**
 * Sets torch's intra-op thread count (default: NORMALCY_THREADS, else the
 * cores not busy with other work when the engine loaded; see threading.ts).
 */
export function setNumThreads(n: number): void {
  native().setNumThreads(n);
}

export function getNumThreads(): number {
  return native().getNumThreads();
}

/** Thread count, who chose it, the load seen and the OpenMP wait policy (for run records). */
export function engineThreading(): ThreadingInfo {
  return threadingInfo()!;
}

/**
 * Chooses the automatic thread count again from the cores free now (no-op
 * where NORMALCY_THREADS or setNumThreads fixed it); returns the count in use.
 */
export function adaptThreads(): number {
  return refreshAutoThreads();
}

/** engineThreading() where this process has loaded the engine, else undefined (never loads it). */
export function engineThreadingIfLoaded(): ThreadingInfo | undefined {
  return threadingInfo(false);
}

let fusedInference = true;

/**
 * Whether eval-mode forward passes without gradients (scoring) use normalcy's
 * inference kernels (linear layers through oneDNN sgemm, a fused LSTM: native/inference.cc) rather than
 * torch's; on by default, with the same outputs to float rounding. Benchmarks
 * turn it off to compare.
 */
export function setFusedInference(enabled: boolean): void {
  native().setFusedInference(enabled);
  fusedInference = enabled;
}

export function fusedInferenceEnabled(): boolean {
  return fusedInference;
}

/** Number of tensor handles not yet freed, for leak checks. */
export function liveTensorCount(): number {
  return native().liveTensors();
}

/** Runs fn with autograd recording turned off (inference, weight updates). */
export function noGrad<T>(fn: () => T): T {
  const n = native();
  const previous = n.isGradEnabled();
  n.setGradEnabled(false);
  try {
    return fn();
  } finally {
    n.setGradEnabled(previous);
  }
}

export function isGradEnabled(): boolean {
  return native().isGradEnabled();
}
