// A streaming detector for one-dimensional series that scores how surprising it
// is to see something new.
//
// The probationary rows fix a scale: the range of their values, widened by
// `widen` on each side. From then on every row is mapped to keys in several
// families:
//   - its value bin, at each resolution in `valueBins` (bins across the range);
//   - its value bin within its hour of the day (UTC), when timestamps are given;
//   - a coarse shape: the bins of the means of the last `shape.segments`
//     segments of `shape.segmentLength` rows each.
// A key a family has never seen is a novelty. Its surprise is -log10 of that
// family's recent novelty rate (novelties among the last `rateWindow` rows,
// smoothed by `prior`), so a novelty weighs a lot in a series that has settled
// and little in one that keeps wandering into new ground. The row's raw score
// is the summed surprise / `scoreScale`, capped at 1. A raw score that does not
// beat every raw score of the previous `rest` rows is reported as 0, so a burst
// of novelties alarms once, where it starts.
//
// Each score uses the row itself and the rows before it only. The probationary
// rows are replayed through the same machinery once the scale is fixed (they are
// learned, and feed the rest period) but always score 0.

import { checkProbation, scoreAsStream, type StreamingDetector } from './streaming-detector.js';
import {
  nonNegative,
  nonNegativeInt,
  positive,
  positiveInt,
  resolveConfig,
  type Schema,
} from '../../config/schema.js';
import { ConfigError } from '../../config/errors.js';

export interface NoveltyShapeConfig {
  segments: number;
  segmentLength: number;
  bins: number;
}

export interface NoveltySurpriseConfig {
  /** Resolutions of the value families: bins across the (widened) probationary range. */
  valueBins: number[];
  /** Resolutions of the hour-of-day families (used only when timestamps are given). */
  hourBins: number[];
  /** The coarse-shape family, or null for none. */
  shape: NoveltyShapeConfig | null;
  /** Fraction of the probationary range added on each side before binning. */
  widen: number;
  /** Rows behind each family's novelty rate. */
  rateWindow: number;
  /** Pseudo-count of the novelty rate: rate = (novelties + prior) / (rows + 2 prior). */
  prior: number;
  /** Summed surprise (in -log10 units) that maps to score 1. */
  scoreScale: number;
  /** Rows a score must beat to count (0 = off). */
  rest: number;
}

export const NOVELTY_SURPRISE_DEFAULTS: NoveltySurpriseConfig = {
  valueBins: [5, 10, 20, 40],
  // Off by default: on NAB it gained with rest 30 but lost once the range was widened by 0.2.
  hourBins: [],
  shape: { segments: 3, segmentLength: 12, bins: 5 },
  widen: 0.2,
  rateWindow: 1000,
  prior: 1,
  scoreScale: 10,
  rest: 60,
};

/** The fields of novelty-surprise's config, their types and ranges. */
export const NOVELTY_SURPRISE_SCHEMA: Schema = {
  valueBins: { type: 'int[]', min: 1 },
  hourBins: { type: 'int[]', min: 1 },
  shape: {
    type: 'object',
    nullable: true,
    fields: { segments: positiveInt, segmentLength: positiveInt, bins: positiveInt },
  },
  widen: nonNegative,
  rateWindow: positiveInt,
  prior: positive,
  scoreScale: positive,
  rest: nonNegativeInt,
};

/** One family of keys with its memory of what it has seen and how often novelty came lately. */
class KeyFamily {
  private readonly seen = new Set<string | number>();
  private readonly recent: Uint8Array;
  private novelties = 0;

  constructor(
    private readonly rateWindow: number,
    private readonly prior: number,
  ) {
    this.recent = new Uint8Array(rateWindow);
  }

  /** The surprise of `key` at row t (0 if it was seen before); then learns it. */
  observe(key: string | number, t: number): number {
    const novel = !this.seen.has(key);
    let surprise = 0;
    if (novel) {
      const rows = Math.min(t, this.rateWindow);
      const rate = (this.novelties + this.prior) / (rows + 2 * this.prior);
      surprise = -Math.log10(rate);
      this.seen.add(key);
    }
    const slot = t % this.rateWindow;
    this.novelties += (novel ? 1 : 0) - this.recent[slot]!;
    this.recent[slot] = novel ? 1 : 0;
    return surprise;
  }
}

export class NoveltySurprise implements StreamingDetector {
  readonly name = 'novelty-surprise';
  readonly config: NoveltySurpriseConfig;
  private readonly buffer: { value: number; time: number | undefined }[] = [];
  private started = false;
  private lo = 0;
  private valueFamilies: { width: number; family: KeyFamily }[] = [];
  private hourFamilies: { width: number; family: KeyFamily }[] = [];
  private shapeFamily?: KeyFamily;
  private shapeWidth = 1;
  private readonly history: Float64Array;
  private rows = 0;
  private readonly restScores: Float64Array;

  /**
   * @param probation rows learned before any score (at least 1): their range
   *   fixes the bins, and they score 0.
   */
  constructor(
    config: Partial<NoveltySurpriseConfig> = {},
    readonly probation = 1,
  ) {
    this.config = resolveConfig(
      config,
      NOVELTY_SURPRISE_SCHEMA,
      NOVELTY_SURPRISE_DEFAULTS,
      'novelty-surprise config',
    );
    const c = this.config;
    if (c.valueBins.length === 0 && c.hourBins.length === 0 && !c.shape)
      throw new ConfigError(
        'novelty-surprise config: at least one family (valueBins, hourBins or shape) is needed',
      );
    checkProbation(this.name, probation);
    this.history = new Float64Array(c.shape ? c.shape.segments * c.shape.segmentLength : 1);
    this.restScores = new Float64Array(Math.max(1, c.rest));
  }

  /**
   * Scores one row from the rows before it, then learns it. `timeMs` (ms since
   * the epoch) enables the hour-of-day families. Non-finite values score 0 and
   * are skipped.
   */
  update(value: number, timeMs?: number): number {
    if (!Number.isFinite(value)) return 0;
    if (!this.started) {
      this.buffer.push({ value, time: timeMs });
      if (this.buffer.length < this.probation) return 0;
      this.start();
      return 0;
    }
    return this.step(value, timeMs);
  }

  /** Fixes the scale from the probationary rows and replays them. */
  private start(): void {
    const c = this.config;
    let lo = Infinity;
    let hi = -Infinity;
    for (const { value } of this.buffer) {
      lo = Math.min(lo, value);
      hi = Math.max(hi, value);
    }
    const margin = (hi - lo) * c.widen;
    lo -= margin;
    hi += margin;
    this.lo = lo;
    // A flat probation gets bins of 1% of its level (or 1e-6), so any change is new.
    const width = (bins: number) => {
      const w = (hi - lo) / bins;
      return w > 0 ? w : Math.max(1e-6, Math.abs(lo) * 0.01);
    };
    this.valueFamilies = c.valueBins.map((bins) => ({
      width: width(bins),
      family: new KeyFamily(c.rateWindow, c.prior),
    }));
    this.hourFamilies = c.hourBins.map((bins) => ({
      width: width(bins),
      family: new KeyFamily(c.rateWindow, c.prior),
    }));
    if (c.shape) {
      this.shapeFamily = new KeyFamily(c.rateWindow, c.prior);
      this.shapeWidth = width(c.shape.bins);
    }
    this.started = true;
    for (const { value, time } of this.buffer) this.step(value, time);
    this.buffer.length = 0;
  }

  private step(value: number, timeMs: number | undefined): number {
    const c = this.config;
    const t = this.rows;
    const bin = (v: number, w: number) => Math.floor((v - this.lo) / w);
    let surprise = 0;
    for (const f of this.valueFamilies) surprise += f.family.observe(bin(value, f.width), t);
    if (timeMs !== undefined && Number.isFinite(timeMs)) {
      const hour = new Date(timeMs).getUTCHours();
      for (const f of this.hourFamilies)
        surprise += f.family.observe(`${hour}:${bin(value, f.width)}`, t);
    }
    const len = this.history.length;
    this.history[t % len] = value;
    if (c.shape && this.shapeFamily) {
      surprise += this.shapeFamily.observe(this.shapeKey(t, c.shape), t);
    }
    this.rows++;
    const raw = Math.min(1, surprise / c.scoreScale);
    if (c.rest === 0) return t < this.probation ? 0 : raw;
    let recentMax = 0;
    const k = Math.min(t, c.rest);
    for (let i = 0; i < k; i++) recentMax = Math.max(recentMax, this.restScores[i]!);
    this.restScores[t % c.rest] = raw;
    if (t < this.probation) return 0;
    return raw > recentMax ? raw : 0;
  }

  /** The bins of the segment means ending at row t; 'x' marks a segment before the first row. */
  private shapeKey(t: number, shape: NoveltyShapeConfig): string {
    const len = this.history.length;
    const parts: string[] = [];
    for (let g = shape.segments - 1; g >= 0; g--) {
      const end = t + 1 - g * shape.segmentLength;
      if (end <= 0) {
        parts.push('x');
        continue;
      }
      const begin = Math.max(0, end - shape.segmentLength);
      let sum = 0;
      for (let i = begin; i < end; i++) sum += this.history[i % len]!;
      parts.push(String(Math.floor((sum / (end - begin) - this.lo) / this.shapeWidth)));
    }
    return parts.join(',');
  }
}

/**
 * Scores a whole series as a stream; `times` (ms since the epoch, one per row)
 * enables the hour-of-day families. The first `probation` rows score 0.
 */
export function scoreNoveltyStream(
  values: ArrayLike<number>,
  options: {
    probation: number;
    times?: ArrayLike<number>;
    config?: Partial<NoveltySurpriseConfig>;
  },
): Float64Array {
  // The detector itself scores its probation rows 0 (they fix its bins).
  const d = new NoveltySurprise(options.config, Math.max(1, options.probation));
  return scoreAsStream(d, values, { times: options.times });
}
