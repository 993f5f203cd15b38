// glibc's malloc thresholds by phase. Training wants the dynamic behaviour
// glibc has by default (the mmap threshold rises to the size of freed tensor
// buffers, so they are reused from the heap instead of mapped and unmapped at
// every step, as under PyTorch); scoring loops that never return to the event
// loop want a fixed 128 KiB threshold, or freed-but-unfinalised buffers
// fragment the heap (src/engine/native.ts). Measured quiet on 2 cores, epoch
// time with the fixed threshold vs the dynamic one: conv2d 18.9 vs 13.1 s,
// LSTM 19.6 vs 17.0 s, GRU 16.1 vs 15.1 s.
import { mmapThresholdSetByUser, native } from './native.js';

/** The fixed mmap (and trim) threshold outside training: glibc's starting value. */
export const SCORING_MMAP_THRESHOLD = 128 * 1024;
/** During training: the ceiling glibc's dynamic threshold rises to on 64-bit. */
export const TRAINING_MMAP_THRESHOLD = 32 * 2 ** 20;

let trainingDepth = 0;

/**
 * Puts malloc in its training setting until the returned function is called
 * (nested and concurrent trainings share it: the last to end restores the
 * scoring setting). A NORMALCY_MMAP_THRESHOLD set by the user is left alone.
 */
export function enterTrainingAllocator(): () => void {
  const n = native();
  if (mmapThresholdSetByUser() || !n.setMallocThresholds) return () => {};
  // glibc's dynamic rule keeps the trim threshold at twice the mmap threshold.
  if (trainingDepth++ === 0)
    n.setMallocThresholds(TRAINING_MMAP_THRESHOLD, 2 * TRAINING_MMAP_THRESHOLD);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--trainingDepth === 0)
      n.setMallocThresholds!(SCORING_MMAP_THRESHOLD, SCORING_MMAP_THRESHOLD);
  };
}

/** Whether a training holds the training setting now. */
export function inTrainingAllocator(): boolean {
  return trainingDepth > 0;
}
