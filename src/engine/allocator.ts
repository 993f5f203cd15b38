// glibc's malloc thresholds by phase. Training wants the dynamic behaviour
// glibc has by default (the mmap threshold rises to the size of freed tensor
// buffers, so they are reused from the heap instead of mapped and unmapped at
// every step, as under PyTorch); scoring loops that never return to the event
// loop want a fixed 128 KiB threshold, or freed-but-unfinalised buffers
// fragment the heap (src/engine/native.ts). Measured quiet on 2 cores, epoch
// time with the fixed threshold vs the dynamic one: conv2d 18.9 vs 13.1 s,
// LSTM 19.6 vs 17.0 s, GRU 16.1 vs 15.1 s.
//
// Training goes further than glibc's dynamic rule: no block is mapped at all
// and the heap's top is kept up to TRAINING_TRIM_THRESHOLD. Buffers of 32 MiB
// and more (the conv2d case's activations: 256 x 32 x 32 x 32 floats) are
// above the highest mmap threshold glibc accepts, so under PyTorch and under
// the dynamic rule alike each was mapped, faulted in page by page (zeroed by
// the kernel) and unmapped at every step: a quarter of that case's CPU time
// was in the kernel's page-fault path. From the heap they are reused as they
// are. Leaving training trims the heap back (malloc_trim).
import { mmapThresholdSetByUser, native } from './native.js';

/** The fixed mmap (and trim) threshold outside training: glibc's starting value. */
export const SCORING_MMAP_THRESHOLD = 128 * 1024;
/** During training: the ceiling glibc's dynamic threshold rises to on 64-bit (moot while mapping is off). */
export const TRAINING_MMAP_THRESHOLD = 32 * 2 ** 20;
/** During training, free memory at the heap's top kept for the next step rather than returned. */
export const TRAINING_TRIM_THRESHOLD = 512 * 2 ** 20;
/** glibc's default limit on mapped blocks, restored after training. */
const DEFAULT_MMAP_MAX = 65536;

let trainingDepth = 0;

/**
 * Puts malloc in its training setting until the returned function is called
 * (nested and concurrent trainings share it: the last to end restores the
 * scoring setting). A NORMALCY_MMAP_THRESHOLD set by the user is left alone.
 */
export function enterTrainingAllocator(): () => void {
  const n = native();
  if (mmapThresholdSetByUser() || !n.setMallocThresholds) return () => {};
  if (trainingDepth++ === 0)
    n.setMallocThresholds(TRAINING_MMAP_THRESHOLD, TRAINING_TRIM_THRESHOLD, 0);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--trainingDepth === 0)
      n.setMallocThresholds!(SCORING_MMAP_THRESHOLD, SCORING_MMAP_THRESHOLD, DEFAULT_MMAP_MAX);
  };
}

/** Whether a training holds the training setting now. */
export function inTrainingAllocator(): boolean {
  return trainingDepth > 0;
}
