// A streaming discord detector in the spirit of DAMP (Lu, Wu, Mueen, Zuluaga, Keogh,
// KDD 2022): as each row arrives, the window that ends on it is scored by its
// left matrix profile value, the z-normalised distance to its nearest window that
// ended before it began (the whole past, probation included).
//
// The exact left nearest neighbour needs a search of the whole past, which DAMP
// mostly avoids with its pruning:
//   - backward: the past is searched in chunks that double in size, nearest first
//     (MASS: FFT sliding dot products); once a chunk holds a window closer than the
//     best discord score so far (`bestSoFar`), the window cannot be the top discord
//     and the search stops, keeping that distance (an upper bound of its exact value);
//   - forward (batch only, `lookahead` > 0, when the future rows are already known):
//     a window searched to the end is compared with the next `lookahead` rows' windows,
//     and those closer to it than `bestSoFar` are pruned outright (scored 0).
// Live and under NAB's rules (`update`), rows arrive one at a time and there is no
// future to look at, so only the backward pruning applies.
//
// Scores are distance / (2 sqrt(window)), in [0, 1]. The first `probation` rows score
// 0 and fix the window length ('auto': their dominant period) and the flat tolerance.
import { dominantPeriod } from '../../data/period.js';
import { RESYNC_ROWS, slidingDots } from '../subsequence/matrix-profile.js';
import { checkProbation, type StreamingDetector } from './streaming-detector.js';
import { nonNegative, nonNegativeInt, resolveConfig, type Schema } from '../../config/schema.js';

export interface DampConfig {
  /** Steps per window, or 'auto': the probation's dominant period. */
  window: number | 'auto';
  /** The first backward chunk holds about this many windows (rounded up to a power of two). */
  initialChunk: number;
  /** Batch only: rows after a fully searched window whose windows it may prune (0 = off). */
  lookahead: number;
  /** A window with a standard deviation below this share of the probation's is flat. */
  flatStd: number;
  /**
   * 'znorm': shape only, score = distance / (2 sqrt(window)); 'mean': mean-centred windows
   * (level-free, amplitude kept), score = distance / (sqrt(window) x the probation's standard
   * deviation), capped at 1.
   */
  normalization: 'znorm' | 'mean';
  /**
   * A score that does not beat every raw score of the previous `rest` rows is reported as 0
   * ('window': one window length; 0 = off), so a discord alarms once, where it starts,
   * rather than on each of the windows that overlap it.
   */
  rest: number | 'window';
}

export const DAMP_DEFAULTS: DampConfig = {
  window: 'auto',
  initialChunk: 8,
  lookahead: 0,
  flatStd: 0.01,
  // On NAB (58 files, the only two settings tried): mean 27.97 / -6.93 / 41.06 (standard /
  // low-FP / low-FN), znorm 2.95 / 2.68 / 3.11: z-normalised noise windows all look alike far.
  normalization: 'mean',
  rest: 'window',
};

/** The fields of damp's config, their types and ranges. */
export const DAMP_SCHEMA: Schema = {
  window: { type: 'number-or-enum', values: ['auto'], min: 2, integer: true },
  initialChunk: nonNegativeInt,
  lookahead: nonNegativeInt,
  flatStd: nonNegative,
  normalization: { type: 'enum', values: ['znorm', 'mean'] },
  rest: { type: 'number-or-enum', values: ['window'], min: 0, integer: true },
};

const FALLBACK_WINDOW = 32;
const MAX_AUTO_WINDOW = 300;

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** Counters of how much work the pruning saved. */
export interface DampStats {
  scored: number;
  /** Windows whose backward search stopped early. */
  stoppedEarly: number;
  /** Windows pruned by a forward comparison. */
  prunedAhead: number;
  /** Windows compared in backward searches, in all. */
  compared: number;
}

export class Damp implements StreamingDetector {
  readonly name = 'damp';
  readonly config: DampConfig;
  /** The window length, known once probation ends. */
  window = 0;
  readonly stats: DampStats = { scored: 0, stoppedEarly: 0, prunedAhead: 0, compared: 0 };
  private values: Float64Array;
  private rows = 0;
  private bestSoFar = 0;
  private flatStd = 0;
  private scale = 1;
  // Per-window statistics, window k = rows k..k+window-1, filled as windows complete.
  private means = new Float64Array(0);
  private stds = new Float64Array(0);
  /** Windows pruned ahead (batch mode). */
  private pruned = new Uint8Array(0);
  /** Windows in the first backward chunk, and their dot products with the newest window. */
  private chunk = 1;
  private near = new Float64Array(0);
  private nearFor = -1;
  /** Raw scores of the last rows (a ring), for the rest rule. */
  private recent = new Float64Array(0);

  constructor(
    config: Partial<DampConfig> = {},
    readonly probation = 1,
    /** The whole series when known in advance (batch): enables forward pruning. */
    private readonly future?: ArrayLike<number>,
  ) {
    this.config = resolveConfig(config, DAMP_SCHEMA, DAMP_DEFAULTS, 'damp config');
    checkProbation(this.name, probation);
    this.values = new Float64Array(Math.max(1024, future?.length ?? 0));
  }

  private push(v: number): void {
    if (this.rows === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.rows++] = v;
  }

  private startScoring(): void {
    const head = this.values.subarray(0, this.rows);
    const c = this.config;
    this.window =
      c.window === 'auto'
        ? Math.max(4, dominantPeriod(head, { maxLag: MAX_AUTO_WINDOW }) ?? FALLBACK_WINDOW)
        : c.window;
    let mean = 0;
    for (const v of head) mean += v;
    mean /= head.length;
    let sq = 0;
    for (const v of head) sq += (v - mean) ** 2;
    const std = Math.sqrt(sq / head.length);
    // A constant probation gives no scale: then any wiggle above float noise counts.
    this.flatStd = c.flatStd * (std > 0 ? std : 1e-6 * Math.max(1, Math.abs(mean)));
    this.scale = std > 0 ? std : 1;
    this.chunk = nextPowerOfTwo(Math.max(1, c.initialChunk) * this.window);
    this.near = new Float64Array(this.chunk);
    for (let k = 0; k + this.window <= this.rows; k++) this.completeWindow(k);
  }

  private completeWindow(k: number): void {
    const w = this.window;
    if (k >= this.means.length) {
      const size = Math.max(1024, 2 * this.means.length, k + 1);
      const m = new Float64Array(size);
      const s = new Float64Array(size);
      const p = new Uint8Array(size);
      m.set(this.means);
      s.set(this.stds);
      p.set(this.pruned);
      this.means = m;
      this.stds = s;
      this.pruned = p;
    }
    let sum = 0;
    let sq = 0;
    for (let r = k; r < k + w; r++) sum += this.values[r]!;
    const mean = sum / w;
    for (let r = k; r < k + w; r++) sq += (this.values[r]! - mean) ** 2;
    this.means[k] = mean;
    this.stds[k] = Math.sqrt(sq / w);
  }

  /** Smallest squared z-normalised distance from window q to windows lo..hi. */
  private nearest(q: number, lo: number, hi: number): number {
    const w = this.window;
    const dots = slidingDots(this.values.subarray(q, q + w), this.values.subarray(lo, hi + w));
    return this.nearestOf(q, lo, hi, dots, 0);
  }

  /** The same from dot products already known: dots[offset + k] = QT[q][lo + k]. */
  private nearestOf(q: number, lo: number, hi: number, dots: Float64Array, offset: number): number {
    const w = this.window;
    this.stats.compared += hi - lo + 1;
    const fq = this.stds[q]! < this.flatStd;
    const mq = this.means[q]!;
    const iq = fq ? 0 : 1 / this.stds[q]!;
    let best = Infinity;
    if (this.config.normalization === 'mean') {
      const vq = w * this.stds[q]! ** 2;
      for (let j = lo; j <= hi; j++) {
        const d2 =
          vq + w * this.stds[j]! ** 2 - 2 * (dots[offset + j - lo]! - w * mq * this.means[j]!);
        if (d2 < best) best = d2;
      }
      return Math.max(0, best);
    }
    for (let j = lo; j <= hi; j++) {
      const fj = this.stds[j]! < this.flatStd;
      let d2: number;
      if (fq || fj) d2 = fq && fj ? 0 : 2 * w;
      else
        d2 =
          2 *
          w *
          (1 - (dots[offset + j - lo]! / w - mq * this.means[j]!) * iq * (1 / this.stds[j]!));
      if (d2 < best) best = d2;
    }
    return Math.max(0, best);
  }

  /**
   * Keeps near[k] = QT[q][q - w - C + 1 + k], the dot products of window q with the first
   * backward chunk (C windows), by STOMP's recurrence from window q - 1's: O(C) a row
   * instead of an FFT convolution, recomputed afresh now and then against drift.
   */
  private updateNear(q: number): void {
    const w = this.window;
    const C = this.chunk;
    const first = q - w - C + 1;
    if (this.nearFor === q - 1 && q % RESYNC_ROWS !== 0) {
      const x = this.values;
      const drop = x[q - 1]!;
      const add = x[q + w - 1]!;
      for (let k = Math.max(0, -first); k < C; k++) {
        const j = first + k;
        if (j === 0) {
          let dot = 0;
          for (let r = 0; r < w; r++) dot += x[q + r]! * x[r]!;
          this.near[k] = dot;
        } else this.near[k] = this.near[k]! - drop * x[j - 1]! + add * x[j + w - 1]!;
      }
    } else {
      const lo = Math.max(0, first);
      const last = q - w;
      const dots = slidingDots(this.values.subarray(q, q + w), this.values.subarray(lo, last + w));
      this.near.set(dots, lo - first);
    }
    this.nearFor = q;
  }

  /** The score of window q (all its rows have arrived). */
  private scoreWindow(q: number): number {
    const w = this.window;
    const last = q - w; // the last window that ends before q begins
    if (last < 0) return 0;
    this.stats.scored++;
    this.updateNear(q);
    if (this.pruned[q]) return 0;
    let chunk = this.chunk;
    let lo = Math.max(0, last - chunk + 1);
    let best = this.nearestOf(q, lo, last, this.near, lo - (last - chunk + 1));
    const bsf2 = this.bestSoFar ** 2;
    while (lo > 0 && best >= bsf2) {
      chunk *= 2;
      const hi = lo - 1;
      lo = Math.max(0, hi - chunk + 1);
      best = Math.min(best, this.nearest(q, lo, hi));
    }
    const d = Math.sqrt(best);
    if (lo > 0) this.stats.stoppedEarly++;
    else {
      this.bestSoFar = Math.max(this.bestSoFar, d);
      this.pruneAhead(q);
    }
    return this.config.normalization === 'mean'
      ? Math.min(1, d / (Math.sqrt(w) * this.scale))
      : d / (2 * Math.sqrt(w));
  }

  /** Batch mode: windows of the next `lookahead` rows closer to q than bestSoFar are no discords. */
  private pruneAhead(q: number): void {
    const ahead = this.config.lookahead;
    if (!this.future || ahead === 0) return;
    const w = this.window;
    const from = q + w;
    const to = Math.min(this.future.length - w, q + w + ahead);
    if (to < from) return;
    const seg = Float64Array.from({ length: to + w - from }, (_, k) => this.future![from + k]!);
    const query = this.values.subarray(q, q + w);
    const dots = slidingDots(query, seg);
    const mq = this.means[q]!;
    const sq = this.stds[q]!;
    if (sq < this.flatStd) return;
    const limit = this.bestSoFar;
    let sum = 0;
    let sum2 = 0;
    for (let k = 0; k < seg.length; k++) {
      sum += seg[k]!;
      sum2 += seg[k]! * seg[k]!;
      if (k >= w) {
        sum -= seg[k - w]!;
        sum2 -= seg[k - w]! * seg[k - w]!;
      }
      if (k < w - 1) continue;
      const j = k - w + 1;
      const mj = sum / w;
      const sj = Math.sqrt(Math.max(0, sum2 / w - mj * mj));
      if (sj < this.flatStd) continue;
      const d2 =
        this.config.normalization === 'mean'
          ? w * sq * sq + w * sj * sj - 2 * (dots[j]! - w * mq * mj)
          : 2 * w * (1 - (dots[j]! / w - mq * mj) / (sq * sj));
      const d = Math.sqrt(Math.max(0, d2));
      if (d < limit) {
        const target = from + j;
        if (target >= this.pruned.length) this.completeWindowSlot(target);
        if (!this.pruned[target]) this.stats.prunedAhead++;
        this.pruned[target] = 1;
      }
    }
  }

  private completeWindowSlot(k: number): void {
    const size = Math.max(2 * this.pruned.length, k + 1);
    const p = new Uint8Array(size);
    p.set(this.pruned);
    this.pruned = p;
    const m = new Float64Array(size);
    const s = new Float64Array(size);
    m.set(this.means);
    s.set(this.stds);
    this.means = m;
    this.stds = s;
  }

  /** Takes the next row and returns its score (0 during probation and the first windows). */
  update(value: number): number {
    // The streaming contract: a gap in a live feed scores 0 and is skipped.
    if (!Number.isFinite(value)) return 0;
    this.push(value);
    if (this.rows < this.probation) return 0;
    if (this.rows === this.probation) {
      this.startScoring();
      return 0;
    }
    const q = this.rows - this.window;
    if (q < 0) return 0;
    this.completeWindow(q);
    const raw = this.scoreWindow(q);
    const rest = this.config.rest === 'window' ? this.window : this.config.rest;
    if (rest === 0) return raw;
    if (this.recent.length !== rest) this.recent = new Float64Array(rest);
    let beats = true;
    for (const v of this.recent) if (v >= raw) beats = false;
    this.recent[this.rows % rest] = raw;
    return beats ? raw : 0;
  }
}

/**
 * Scores a whole series as a stream (row t scored from rows 0..t only, unless
 * `config.lookahead` turns on forward pruning); the first `probation` rows score 0.
 */
export function scoreDampStream(
  values: ArrayLike<number>,
  options: { probation: number; config?: Partial<DampConfig> },
): { scores: Float64Array; detector: Damp } {
  const lookahead = options.config?.lookahead ?? DAMP_DEFAULTS.lookahead;
  const d = new Damp(
    options.config,
    Math.max(1, options.probation),
    lookahead > 0 ? values : undefined,
  );
  const scores = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) scores[i] = d.update(values[i]!);
  return { scores, detector: d };
}
