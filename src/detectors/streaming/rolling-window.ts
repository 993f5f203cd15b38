// A fixed-capacity window of the most recent values, kept both in arrival order
// (a ring) and sorted, so that quantiles are O(1) and each push is O(capacity)
// (one binary search and one block move for the value leaving, one for the
// value arriving). Also keeps the running sum and sum of squares.
export class RollingWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;
  private sum = 0;
  private sumSq = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`RollingWindow: capacity must be a positive integer, got ${capacity}`);
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** First index in sorted[0..count) whose value is >= v. */
  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  push(v: number): void {
    if (!Number.isFinite(v)) throw new Error(`RollingWindow: value must be finite, got ${v}`);
    if (this.count === this.capacity) {
      const old = this.ring[this.head]!;
      const k = this.lowerBound(old);
      this.sorted.copyWithin(k, k + 1, this.count);
      this.count--;
      this.sum -= old;
      this.sumSq -= old * old;
    }
    const k = this.lowerBound(v);
    this.sorted.copyWithin(k + 1, k, this.count);
    this.sorted[k] = v;
    this.count++;
    this.ring[this.head] = v;
    this.head = (this.head + 1) % this.capacity;
    this.sum += v;
    this.sumSq += v * v;
  }

  /** Quantile q in [0, 1] with linear interpolation (numpy's default); NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const pos = q * (this.count - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.count - 1);
    return this.sorted[lo]! + (pos - lo) * (this.sorted[hi]! - this.sorted[lo]!);
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** Population standard deviation. */
  std(): number {
    if (this.count === 0) return NaN;
    const m = this.sum / this.count;
    return Math.sqrt(Math.max(0, this.sumSq / this.count - m * m));
  }
}
