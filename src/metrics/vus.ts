// VUS-ROC and VUS-PR (Paparrizos et al., "Volume Under the Surface", VLDB
// 2022): range-aware ROC and PR areas with the labels softened by a buffer
// around each labelled range, averaged over buffer lengths 0..L, so the result
// does not hinge on one arbitrary tolerance.
//
// For buffer length l, a normal point at distance d (1 <= d <= floor(l/2))
// from the nearest labelled range gets the soft label sqrt(1 - d/l) (the paper
// ramps each side; we take the nearest range's ramp rather than a clipped sum
// where two ramps meet). At each threshold (flag score >= t, as in the paper),
//   TP = sum of soft labels of flagged points, P' = (P + sum of soft labels)/2,
//   recall = min(1, TP/P'), TPR = recall * (fraction of buffered ranges with a
//   flagged point) [the existence factor, optional], FPR = (flagged - TP)/(n - P'),
//   precision = TP / flagged.
// ROC area: trapezoids from (0,0) through the thresholds to (1,1). PR area:
// sum of (TPR step) * precision, the paper's step rule.
//
// Efficiency: scores are sorted once. Only the labelled points and the points
// within L/2 of a range ever change with l; each gets the index of the first
// threshold flagging it (binary search), and per buffer length the curves are
// cumulative sums over thresholds: O(n log n + L * (B + T + R)) for B buffer
// points, T thresholds and R ranges.
import type { Labels, Scores } from './types.js';
import { countBelow, sortedAscending } from './sorted.js';
import { maskToRanges } from './ranges.js';
import { checkSameLength } from './validate.js';

export interface VusOptions {
  /** Largest buffer length L (samples, >= 0); areas are averaged over 0..L. */
  maxBuffer: number;
  /**
   * Thresholds per curve: a count, taken at evenly spaced ranks of the sorted
   * scores as in the paper's code (default 250), or 'all' for every distinct
   * score (exact, but O(n) per buffer length).
   */
  thresholds?: number | 'all';
  /** Multiply recall by the fraction of ranges detected (default true, as in the paper). */
  existence?: boolean;
}

export interface VusResult {
  vusRoc: number;
  vusPr: number;
  /** Area under the range-ROC curve for each buffer length 0..L. */
  rocByBuffer: Float64Array;
  /** Area under the range-PR curve for each buffer length 0..L. */
  prByBuffer: Float64Array;
}

function pickThresholds(sortedAsc: Float64Array, spec: number | 'all'): Float64Array {
  const n = sortedAsc.length;
  if (spec === 'all') {
    const out: number[] = [];
    for (let i = n - 1; i >= 0; i--)
      if (i === n - 1 || sortedAsc[i] !== sortedAsc[i + 1]) out.push(sortedAsc[i]);
    return Float64Array.from(out);
  }
  if (!Number.isInteger(spec) || spec < 2) {
    throw new Error(`vus: thresholds must be an integer >= 2 or 'all', got ${spec}`);
  }
  const thr = new Float64Array(spec);
  for (let k = 0; k < spec; k++) thr[k] = sortedAsc[n - 1 - Math.floor((k * (n - 1)) / (spec - 1))];
  return thr;
}

export function vus(scores: Scores, labels: Labels, options: VusOptions): VusResult {
  checkSameLength('vus', scores, labels);
  const L = options.maxBuffer;
  if (!Number.isInteger(L) || L < 0)
    throw new Error(`vus: maxBuffer must be an integer >= 0, got ${L}`);
  const existence = options.existence ?? true;
  const n = scores.length;
  const ranges = maskToRanges(labels);
  const R = ranges.length;
  if (R === 0) throw new Error('vus is undefined: the labels hold no anomalous sample');
  let P = 0;
  for (const r of ranges) P += r.end - r.start + 1;
  if (P === n) throw new Error('vus is undefined: the labels hold no normal sample');

  const sortedAsc = sortedAscending(scores, 'vus');
  const thr = pickThresholds(sortedAsc, options.thresholds ?? 250);
  const T = thr.length;
  const flagged = new Float64Array(T);
  for (let k = 0; k < T; k++) flagged[k] = n - countBelow(sortedAsc, thr[k]);

  // First threshold index flagging score s (thresholds descend); T if none.
  const binOf = (s: number): number => {
    let lo = 0;
    let hi = T;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (thr[mid] <= s) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  const H = Math.min(Math.floor(L / 2), n);
  const W = H + 1;
  const posPerBin = new Float64Array(T + 1);
  const coreMin = new Int32Array(R);
  // leftMin[r*W + d]: smallest bin among the d points just before range r.
  const leftMin = new Int32Array(R * W);
  const rightMin = new Int32Array(R * W);
  const bufBin: number[] = [];
  const bufDist: number[] = [];
  const pushBuffer = (i: number, d: number): void => {
    bufBin.push(binOf(scores[i]));
    bufDist.push(d);
  };
  for (let r = 0; r < R; r++) {
    const { start, end } = ranges[r];
    let m = T;
    for (let i = start; i <= end; i++) {
      const b = binOf(scores[i]);
      posPerBin[b]++;
      if (b < m) m = b;
    }
    coreMin[r] = m;
    let lm = T;
    let rm = T;
    leftMin[r * W] = T;
    rightMin[r * W] = T;
    for (let d = 1; d <= H; d++) {
      if (start - d >= 0) lm = Math.min(lm, binOf(scores[start - d]));
      if (end + d < n) rm = Math.min(rm, binOf(scores[end + d]));
      leftMin[r * W + d] = lm;
      rightMin[r * W + d] = rm;
    }
    // Normal points after this range within H of it or of the next range.
    const next = r + 1 < R ? ranges[r + 1].start : Infinity;
    const gapEnd = Math.min(next - 1, n - 1);
    const a1 = end + 1;
    const b1 = Math.min(end + H, gapEnd);
    const a2 = Math.max(b1 + 1, next - H);
    for (let i = a1; i <= b1; i++) pushBuffer(i, Math.min(i - end, next - i));
    if (next !== Infinity)
      for (let i = a2; i <= gapEnd; i++) pushBuffer(i, Math.min(i - end, next - i));
  }
  // Normal points before the first range.
  for (let i = Math.max(0, ranges[0].start - H); i < ranges[0].start; i++) {
    pushBuffer(i, ranges[0].start - i);
  }

  const rocByBuffer = new Float64Array(L + 1);
  const prByBuffer = new Float64Array(L + 1);
  const add = new Float64Array(T + 1);
  const existPerBin = new Float64Array(T + 1);
  for (let l = 0; l <= L; l++) {
    const h = Math.min(Math.floor(l / 2), H);
    add.fill(0);
    existPerBin.fill(0);
    let sumW = 0;
    for (let q = 0; q < bufBin.length; q++) {
      const d = bufDist[q];
      if (d > h) continue;
      const w = Math.sqrt(1 - d / l);
      add[bufBin[q]] += w;
      sumW += w;
    }
    // Buffered ranges: labelled ranges widened by h, merged where they touch.
    let merged = 0;
    let curEnd = -2;
    let curMin = T;
    for (let r = 0; r < R; r++) {
      const s = Math.max(0, ranges[r].start - h);
      const e = Math.min(n - 1, ranges[r].end + h);
      const m = Math.min(coreMin[r], leftMin[r * W + h], rightMin[r * W + h]);
      if (s <= curEnd + 1) {
        curMin = Math.min(curMin, m);
      } else {
        if (merged > 0) existPerBin[curMin]++;
        merged++;
        curMin = m;
      }
      curEnd = e;
    }
    existPerBin[curMin]++;

    const pNew = P + sumW / 2;
    const nNew = n - pNew;
    let tp = 0;
    let exist = 0;
    let prevF = 0;
    let prevT = 0;
    let roc = 0;
    let pr = 0;
    for (let k = 0; k < T; k++) {
      tp += posPerBin[k] + add[k];
      exist += existPerBin[k];
      const rec = Math.min(1, tp / pNew);
      const tpr = existence ? (rec * exist) / merged : rec;
      const fpr = (flagged[k] - tp) / nNew;
      const prec = flagged[k] > 0 ? tp / flagged[k] : 1;
      roc += ((fpr - prevF) * (tpr + prevT)) / 2;
      pr += (tpr - prevT) * prec;
      prevF = fpr;
      prevT = tpr;
    }
    roc += ((1 - prevF) * (1 + prevT)) / 2;
    rocByBuffer[l] = roc;
    prByBuffer[l] = pr;
  }
  let sr = 0;
  let sp = 0;
  for (let l = 0; l <= L; l++) {
    sr += rocByBuffer[l];
    sp += prByBuffer[l];
  }
  return { vusRoc: sr / (L + 1), vusPr: sp / (L + 1), rocByBuffer, prByBuffer };
}
