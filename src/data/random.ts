// A small seeded PRNG so data splits are reproducible across runs and machines
// (Math.random cannot be seeded). mulberry32: 32-bit state, fast, and good enough
// for shuffling and sampling; not for cryptography.

/** A seeded source of uniform numbers. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** The generator's position, to continue later with `rngFromState`. */
  state(): number;
}

/** A mulberry32 generator; the same seed always yields the same sequence. */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  }
  // Fold the high bits in too, so seeds above 2^32 are not silently aliased.
  return rngFromState((seed ^ Math.floor(seed / 0x100000000)) >>> 0);
}

/** A generator continuing from `state()` of another one. */
export function rngFromState(initial: number): Rng {
  if (!Number.isInteger(initial) || initial < 0 || initial > 0xffffffff)
    throw new RangeError(`rng state must be a 32-bit unsigned integer, got ${initial}`);
  let state = initial >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 0x100000000;
  };
  return {
    next,
    nextInt(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`nextInt needs n >= 1, got ${n}`);
      return Math.floor(next() * n);
    },
    state: () => state,
  };
}

/** Fisher-Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}

/**
 * The seed when none is given (`--seed` of train, demo, workflow and bench
 * alike): 1, the seed of the published benchmark runs.
 */
export const DEFAULT_SEED = 1;

/**
 * The independent random streams of one run. Each draws from the run's seed
 * plus a fixed offset, so one `seed` option repeats a whole run while weight
 * initialisation, shuffling and augmentation never share a stream.
 */
export const SEED_STREAMS = {
  /** Weight initialisation (torch's global generator). */
  weights: 0,
  /** Minibatch shuffling. */
  shuffle: 1,
  /** Augmentations and random views (AMSL's transformations). */
  augment: 2,
  /** The held-out share for early stopping, where a detector draws it itself (AMSL). */
  validation: 3,
} as const;

export type SeedStream = keyof typeof SEED_STREAMS;

/**
 * The seed of stream `stream` of a run seeded with `seed`: a named stream, or
 * the n-th of a numbered family (e.g. one synthetic recording each).
 */
export function deriveSeed(seed: number, stream: SeedStream | number): number {
  return seed + (typeof stream === 'number' ? stream : SEED_STREAMS[stream]);
}
