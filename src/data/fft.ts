// An in-place iterative radix-2 FFT. A plan holds the twiddle factors and the bit-reversal
// permutation for one size, so framing a long signal pays for them once.

/** True for 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** A forward FFT of a fixed power-of-two size. */
export class Fft {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint32Array;

  constructor(readonly size: number) {
    if (!isPowerOfTwo(size) || size > 2 ** 30) {
      throw new RangeError(`FFT size must be a power of two (at most 2^30), got ${size}`);
    }
    const half = size >>> 1;
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const angle = (2 * Math.PI * k) / size;
      this.cos[k] = Math.cos(angle);
      this.sin[k] = Math.sin(angle);
    }
    const bits = Math.log2(size);
    this.reversed = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
  }

  /**
   * Replaces (re, im) by its discrete Fourier transform
   * X[k] = sum_n x[n] exp(-2 pi i k n / N), unnormalised.
   */
  transform(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    if (re.length !== n || im.length !== n) {
      throw new RangeError(`FFT of size ${n} got arrays of ${re.length} and ${im.length}`);
    }
    for (let i = 0; i < n; i++) {
      const j = this.reversed[i]!;
      if (j > i) {
        let t = re[i]!;
        re[i] = re[j]!;
        re[j] = t;
        t = im[i]!;
        im[i] = im[j]!;
        im[j] = t;
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >>> 1;
      const step = n / len;
      for (let start = 0; start < n; start += len) {
        for (let j = 0; j < half; j++) {
          const wr = this.cos[j * step]!;
          const wi = -this.sin[j * step]!;
          const a = start + j;
          const b = a + half;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
  }
}

/** One-off forward FFT in place; build an `Fft` plan instead when transforming many frames. */
export function fft(re: Float64Array, im: Float64Array): void {
  new Fft(re.length).transform(re, im);
}
