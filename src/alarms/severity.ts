// How bad an incident is, measured against the held-out normal scores that set
// the threshold: severity in threshold margins, and the conformal p-value of
// the peak (the chance a normal step scores at least as high).
import { countBelow, quantileSorted, sortedAscending } from '../metrics/sorted.js';

export class SeverityScale {
  readonly threshold: number;
  /** Threshold minus the median normal score, or a fallback unit without normal scores. */
  readonly margin: number;
  private readonly sortedNormal?: Float64Array;

  constructor(threshold: number, normalScores?: ArrayLike<number>) {
    if (!Number.isFinite(threshold))
      throw new RangeError(`severity: threshold ${threshold} is not finite`);
    this.threshold = threshold;
    const finite = normalScores ? Array.from(normalScores).filter(Number.isFinite) : [];
    if (finite.length > 0) {
      this.sortedNormal = sortedAscending(finite, 'severity');
      const median = quantileSorted(this.sortedNormal, 0.5);
      const margin = threshold - median;
      this.margin = margin > 0 ? margin : Math.abs(threshold) || 1;
    } else {
      this.margin = Math.abs(threshold) || 1;
    }
  }

  severity(peak: number): number {
    return (peak - this.threshold) / this.margin;
  }

  /** (1 + #{normal >= peak}) / (n + 1); undefined without normal scores. */
  pValue(peak: number): number | undefined {
    const s = this.sortedNormal;
    if (!s) return undefined;
    return (1 + s.length - countBelow(s, peak)) / (s.length + 1);
  }
}
