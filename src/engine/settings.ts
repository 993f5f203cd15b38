// Engine-wide settings: the random seed, the thread count, grad mode.
import { native } from './native.js';

/** Seeds torch's generator: same seed, same initial weights, same shuffles. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0)
    throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  native().manualSeed(seed);
}

/** Sets torch's intra-op thread count (default: one per core, or NORMALCY_THREADS). */
export function setNumThreads(n: number): void {
  native().setNumThreads(n);
}

export function getNumThreads(): number {
  return native().getNumThreads();
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
