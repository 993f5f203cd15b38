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
//
// Outside training, the addon's block cache (native/block_cache.cc) keeps
// freed buffers of 128 KiB and more, up to a cap, for the next batch to reuse:
// under the fixed threshold each would otherwise be mapped, faulted in and
// unmapped at every batch. Training turns it off (freeing what it holds): its
// malloc setting reuses large buffers from the heap already.
import {
  blockCacheCapSetting,
  mmapThresholdSetByUser,
  native,
  recordBlockCacheCap,
  type BlockCacheStats,
} from './native.js';

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
  const malloc = !mmapThresholdSetByUser() && n.setMallocThresholds !== undefined;
  if (trainingDepth++ === 0) {
    n.setBlockCacheCap?.(0);
    if (malloc) n.setMallocThresholds!(TRAINING_MMAP_THRESHOLD, TRAINING_TRIM_THRESHOLD, 0);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--trainingDepth === 0) {
      if (malloc)
        n.setMallocThresholds!(SCORING_MMAP_THRESHOLD, SCORING_MMAP_THRESHOLD, DEFAULT_MMAP_MAX);
      n.setBlockCacheCap?.(blockCacheCapSetting());
    }
  };
}

/**
 * Sets how many bytes the block cache may hold outside training (0: off; it frees what
 * it holds beyond the new cap at once). NORMALCY_BLOCK_CACHE_MB sets it at load.
 */
export function setBlockCacheCap(bytes: number): void {
  if (!Number.isFinite(bytes) || bytes < 0)
    throw new Error(`block cache cap must be a number of bytes >= 0, got ${bytes}`);
  const n = native();
  recordBlockCacheCap(Math.round(bytes));
  if (trainingDepth === 0) n.setBlockCacheCap?.(blockCacheCapSetting());
}

/** The block cache's counters; undefined with an addon built before it. */
export function blockCacheStats(): BlockCacheStats | undefined {
  return native().blockCacheStats?.();
}

/** Whether a training holds the training setting now. */
export function inTrainingAllocator(): boolean {
  return trainingDepth > 0;
}
