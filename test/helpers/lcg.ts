// A tiny linear congruential generator for tests that want a fixed stream of
// uniform numbers in [0, 1) without the library's own generator.
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
