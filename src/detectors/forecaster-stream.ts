// The forecaster's incremental scorer (one-step horizon): each completed modelled step runs
// the network once, on the newest window only, and keeps its forecast of the next step; a
// new row is then scored against that forecast. No buffer is re-scored, so a row costs one
// small forward pass (when it completes a block) and a few additions.
//
// A recurrent network (lstm, gru, stacked) forecasts through its sliding form
// (models/sliding-windows.ts): each completed block advances the state of every window
// still open by one step, in one batched cell step, instead of running the newest window's
// `window` steps from the start; other networks run the newest window.
//
// It reproduces batch scoring exactly (up to float rounding): a step's error is the mean
// over forecast channels of the squared error of the window ending just before it (0 for
// the first `window` steps, which have no forecast); with downsampling the newest block is
// the mean of the rows seen so far in it, as batch scoring of the series so far has it;
// smoothing runs over the per-step errors; the result is multiplied by the score scale.
import { noGrad, tensor, tidy, type Module } from '../engine/index.js';
import type { Scaler } from '../data/scalers.js';
import type { SmoothingConfig } from './smoothing.js';
import { BaseStreamScorer, type StreamOptions, type StreamState } from './stream-scorer.js';
import { hasSlidingForecast, type SlidingForecast } from '../models/sliding-windows.js';

export interface ForecasterStreamParts {
  net: Module;
  scaler?: Scaler;
  scoreScale: number;
  channels: number;
  window: number;
  downsample: number;
  targets: number[];
  smoothing: SmoothingConfig;
}

export class ForecasterStream<I = unknown> extends BaseStreamScorer<I> {
  readonly kind = 'forecaster/incremental';
  /** A window of block means and the block being filled. */
  readonly capacity: number;
  private readonly p: ForecasterStreamParts;
  /** The last `window` scaled block means, oldest first. */
  private recent: Float32Array;
  /** Complete blocks seen. */
  private blocks = 0;
  /** Sums of the rows of the block being filled, and their count. */
  private blockSum: Float64Array;
  private blockRows = 0;
  /** Forecast of the next block (scaled, forecast channels), once `window` blocks are in. */
  private forecast: Float32Array | null = null;
  /** Moving average: the last span - 1 final per-step errors; EWMA: the last final value. */
  private history: number[] = [];
  private ewma = 0;
  private readonly input: Float32Array;
  /** The recurrent networks' step-by-step form; in step with `recent` when `slidingReady`. */
  private readonly sliding?: SlidingForecast;
  private slidingReady = true;

  constructor(parts: ForecasterStreamParts, options: StreamOptions<I> = {}) {
    super(parts.channels, options);
    this.p = parts;
    if (hasSlidingForecast(parts.net)) this.sliding = parts.net.slidingForecast(parts.window);
    this.capacity = (parts.window + 1) * parts.downsample;
    const ch = parts.channels;
    this.recent = new Float32Array(parts.window * ch);
    this.blockSum = new Float64Array(ch);
    this.input = new Float32Array(parts.window * ch);
    const s = this.restoreSteps(options.state);
    if (s) this.restore(s);
  }

  /** Forecasts computed ahead by `prepare`, used in order as blocks complete. */
  private queued: Float32Array[] = [];
  private queuedAt = 0;

  /** Scaled mean of the block being filled. */
  private blockMean(): Float32Array {
    return this.scaledMean(this.blockSum, this.blockRows);
  }

  private scaledMean(sum: Float64Array, rows: number): Float32Array {
    const ch = this.channels;
    const mean = new Float32Array(ch);
    for (let c = 0; c < ch; c++) mean[c] = sum[c]! / rows;
    return this.p.scaler ? this.p.scaler.transformValues(mean, ch) : mean;
  }

  /**
   * Runs the windows that the coming rows complete through the network in one batch: the
   * rows are replayed on copies of the block state to find those windows.
   */
  protected override prepare(rows: Float32Array): void {
    // Stepping the sliding form costs less per row than batching whole windows.
    if (this.sliding) return;
    const { window: w, downsample: r } = this.p;
    const ch = this.channels;
    const recent = this.recent.slice();
    const sum = this.blockSum.slice();
    let filled = this.blockRows;
    let blocks = this.blocks;
    const windows: Float32Array[] = [];
    for (let i = 0; i < rows.length / ch; i++) {
      for (let c = 0; c < ch; c++) sum[c]! += rows[i * ch + c]!;
      if (++filled < r) continue;
      recent.copyWithin(0, ch);
      recent.set(this.scaledMean(sum, filled), (w - 1) * ch);
      sum.fill(0);
      filled = 0;
      if (++blocks >= w) windows.push(recent.slice());
    }
    this.queued = [];
    this.queuedAt = 0;
    const o = this.outputs();
    // Batches of at most 512 windows keep the forward pass's memory small.
    for (let start = 0; start < windows.length; start += 512) {
      const part = windows.slice(start, start + 512);
      const input = new Float32Array(part.length * w * ch);
      part.forEach((x, k) => input.set(x, k * w * ch));
      const out = tidy(() =>
        noGrad(() => this.p.net.forward(tensor(input, [part.length, w, ch])).toFloat32Array()),
      );
      const per = out.length / part.length;
      for (let k = 0; k < part.length; k++) this.queued.push(out.slice(k * per, k * per + o));
    }
  }

  /** The squared error of the block being filled against its forecast (0 without one). */
  private error(mean: Float32Array): number {
    const f = this.forecast;
    if (!f) return 0;
    const t = this.p.targets;
    const o = f.length;
    let s = 0;
    for (let q = 0; q < o; q++) {
      const e = f[q]! - mean[t.length > 0 ? t[q]! : q]!;
      s += Math.fround(e * e) / o;
    }
    return s;
  }

  /** The smoothed score given the newest (possibly provisional) per-step error. */
  private smoothed(raw: number): number {
    const { kind, span } = this.p.smoothing;
    if (kind === 'none' || span <= 1) return raw;
    if (kind === 'moving-average') {
      let sum = raw;
      for (const v of this.history) sum += v;
      return sum / (this.history.length + 1);
    }
    if (this.blocks === 0) return raw;
    const alpha = 2 / (span + 1);
    return alpha * raw + (1 - alpha) * this.ewma;
  }

  /** Makes the newest block's error final in the smoothing state. */
  private settle(raw: number): void {
    const { kind, span } = this.p.smoothing;
    if (kind === 'moving-average' && span > 1) {
      this.history.push(raw);
      if (this.history.length > span - 1) this.history.shift();
    } else if (kind === 'ewma') {
      this.ewma = this.smoothed(raw);
    }
  }

  protected next(row: ArrayLike<number>): number | null {
    const { window: w, downsample: r } = this.p;
    const ch = this.channels;
    for (let c = 0; c < ch; c++) this.blockSum[c]! += row[c]!;
    this.blockRows++;
    const mean = this.blockMean();
    const raw = Math.fround(this.error(mean));
    const score = Math.fround(Math.fround(this.smoothed(raw)) * this.p.scoreScale);
    // The first `window` blocks have no forecast: batch scoring gives them 0.
    const ready = this.blocks >= w;
    if (this.blockRows === r) {
      this.settle(raw);
      this.recent.copyWithin(0, ch);
      this.recent.set(mean, (w - 1) * ch);
      this.blocks++;
      this.blockSum.fill(0);
      this.blockRows = 0;
      if (this.sliding) {
        const next = this.slide(mean);
        if (this.blocks >= w) this.forecast = next;
      } else if (this.blocks >= w)
        this.forecast =
          this.queuedAt < this.queued.length ? this.queued[this.queuedAt++]! : this.predictNext();
    }
    return ready ? score : null;
  }

  /**
   * Advances the sliding form by the newest block (already in `recent`) and returns its
   * forecast of the next block. After a restored state it first replays the stored window.
   */
  private slide(mean: Float32Array): Float32Array {
    const s = this.sliding!;
    let out: Float32Array;
    if (this.slidingReady) out = s.push(mean);
    else {
      // Replaying the last `window` blocks reopens every window that is still open.
      const ch = this.channels;
      s.reset();
      out = new Float32Array(0);
      for (let k = 0; k < this.p.window; k++)
        out = s.push(this.recent.subarray(k * ch, (k + 1) * ch));
      this.slidingReady = true;
    }
    return out.slice(0, this.outputs());
  }

  private predictNext(): Float32Array {
    const { net, window: w } = this.p;
    const ch = this.channels;
    this.input.set(this.recent);
    return tidy(() =>
      noGrad(() => net.forward(tensor(this.input, [1, w, ch])).toFloat32Array()),
    ).slice(0, this.outputs());
  }

  private outputs(): number {
    return this.p.targets.length > 0 ? this.p.targets.length : this.channels;
  }

  protected ownState(): Record<string, unknown> {
    return {
      recent: Array.from(this.recent),
      blocks: this.blocks,
      blockSum: Array.from(this.blockSum),
      blockRows: this.blockRows,
      forecast: this.forecast ? Array.from(this.forecast) : null,
      history: [...this.history],
      ewma: this.ewma,
    };
  }

  private restore(s: StreamState): void {
    const nums = (v: unknown, n: number, what: string): number[] => {
      if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number'))
        throw new Error(`stream state: ${what} must be a list of ${n} numbers`);
      return v as number[];
    };
    const ch = this.channels;
    this.recent.set(nums(s.recent, this.p.window * ch, 'recent'));
    this.blockSum.set(nums(s.blockSum, ch, 'blockSum'));
    this.blocks = Number(s.blocks);
    this.blockRows = Number(s.blockRows);
    this.forecast =
      s.forecast === null ? null : Float32Array.from(nums(s.forecast, this.outputs(), 'forecast'));
    if (!Array.isArray(s.history)) throw new Error('stream state: history must be a list');
    this.history = (s.history as unknown[]).map(Number);
    this.ewma = Number(s.ewma);
    this.slidingReady = false;
  }
}
