// Live scoring: a detector's `stream()` returns a scorer fed one row at a time. The score
// of row t is what batch `score()` gives the newest step of the series seen so far (rows
// 0..t); for causal detectors (the forecaster, rolling z-score, per-row detectors) that is
// also the batch score of step t in any longer series. Memory is bounded: a scorer keeps
// only the rows its window needs.
//
// Flags and incidents: with a threshold a row is flagged when its score is above it; with
// a tracker (the alarms layer's IncidentTracker, passed in since the detectors layer sits
// below it) every scored row is fed to it and incident openings and closings are returned.
import { createSeries } from '../data/series.js';
import type { Detector } from './detector.js';

/** What the alarms layer's incident tracker takes and gives (structurally). */
export interface StepTracker<I = unknown> {
  push(point: { step: number; score: number; flagged: boolean; time?: string }): {
    opened?: I;
    closed?: I;
  };
  flush(): I | undefined;
}

export interface StreamOptions<I = unknown> {
  /** Rows scoring above this are flagged; default: nothing is flagged. */
  threshold?: number;
  tracker?: StepTracker<I>;
  /** A state from `saveState()` of a scorer of the same model, to continue from. */
  state?: StreamState;
}

export interface LivePoint<I = unknown> {
  /** 0-based index of the row in the stream. */
  step: number;
  /** null while the window is filling (the rows batch scoring cannot score yet). */
  score: number | null;
  flagged: boolean;
  time?: string;
  /** Set when an incident opened or closed at this row. */
  incident?: { opened?: I; closed?: I };
}

/** A scorer's state, JSON-serialisable. */
export interface StreamState {
  kind: string;
  steps: number;
  [key: string]: unknown;
}

export interface StreamScorer<I = unknown> {
  readonly channels: number;
  /** Rows pushed so far. */
  readonly steps: number;
  /** The most input rows the scorer keeps (its memory bound). */
  readonly capacity: number;
  push(row: ArrayLike<number>, time?: string | number | Date): LivePoint<I>;
  /**
   * Several rows at once (row-major, `channels` values each): the same points as pushing
   * them one by one, cheaper where the detector can batch its work (the forecaster runs
   * one forward pass for all of them). Rows are checked before any is scored.
   */
  pushMany(
    rows: Float32Array,
    times?: readonly (string | number | Date | undefined)[],
  ): LivePoint<I>[];
  /** Closes an open incident (end of stream). */
  flush(): I | undefined;
  saveState(): StreamState;
}

/** Checks one live row: the channel count and finite numbers, named in the error. */
export function checkRow(row: ArrayLike<number>, channels: number, step: number): void {
  if (row.length !== channels)
    throw new Error(
      `row ${step}: expected ${channels} value(s), got ${row.length} (channel mismatch with the training data)`,
    );
  for (let c = 0; c < channels; c++) {
    const v = row[c];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(
        `row ${step}, channel ${c}: ${String(v)} is not a finite number (NaN or infinite values are not allowed)`,
      );
  }
}

function isoTime(time: string | number | Date | undefined): string | undefined {
  if (time === undefined) return undefined;
  if (typeof time === 'string') return time;
  return new Date(time).toISOString();
}

/** The threshold-and-tracker part every scorer shares. */
export abstract class BaseStreamScorer<I = unknown> implements StreamScorer<I> {
  steps = 0;
  abstract readonly capacity: number;
  protected constructor(
    readonly channels: number,
    private readonly options: StreamOptions<I>,
  ) {}

  /** The score of the newest row, already appended to the scorer's state. */
  protected abstract next(row: ArrayLike<number>): number | null;
  protected abstract ownState(): Record<string, unknown>;
  abstract readonly kind: string;

  push(row: ArrayLike<number>, time?: string | number | Date): LivePoint<I> {
    checkRow(row, this.channels, this.steps);
    const step = this.steps;
    const score = this.next(row);
    this.steps++;
    const threshold = this.options.threshold;
    const flagged = score !== null && threshold !== undefined && score > threshold;
    const point: LivePoint<I> = { step, score, flagged };
    const t = isoTime(time);
    if (t !== undefined) point.time = t;
    const tracker = this.options.tracker;
    if (tracker && score !== null) {
      const change = tracker.push({
        step,
        score,
        flagged,
        ...(t !== undefined ? { time: t } : {}),
      });
      if (change.opened !== undefined || change.closed !== undefined) point.incident = change;
    }
    return point;
  }

  pushMany(
    rows: Float32Array,
    times?: readonly (string | number | Date | undefined)[],
  ): LivePoint<I>[] {
    const ch = this.channels;
    const n = rows.length / ch;
    if (!Number.isInteger(n))
      throw new Error(`pushMany: ${rows.length} values do not divide into rows of ${ch}`);
    for (let i = 0; i < n; i++) checkRow(rows.subarray(i * ch, (i + 1) * ch), ch, this.steps + i);
    this.prepare(rows);
    const out: LivePoint<I>[] = [];
    for (let i = 0; i < n; i++)
      out.push(this.push(rows.subarray(i * ch, (i + 1) * ch), times?.[i]));
    return out;
  }

  /** Work for a run of rows done at once before they are pushed one by one (checked already). */
  protected prepare(_rows: Float32Array): void {}

  flush(): I | undefined {
    return this.options.tracker?.flush();
  }

  saveState(): StreamState {
    return { kind: this.kind, steps: this.steps, ...this.ownState() };
  }

  /** Reads the common part of a saved state, refusing one of another kind. */
  protected restoreSteps(state: StreamState | undefined): StreamState | undefined {
    if (!state) return undefined;
    if (state.kind !== this.kind || !Number.isInteger(state.steps) || state.steps < 0)
      throw new Error(`stream state: not a saved '${this.kind}' scorer state`);
    this.steps = state.steps;
    return state;
  }
}

/** How much of the past a re-scoring stream keeps. */
export interface RescoringSpec {
  /** Rows the score of the newest row depends on (at most). */
  context: number;
  /** Fewest rows batch scoring accepts; rows before that score null. */
  minRows: number;
  /** Rows per modelled step (the downsampling ratio): rows are dropped in whole blocks. */
  block: number;
}

/**
 * Scores the newest row by batch-scoring the last `context` rows: exact for detectors whose
 * newest score depends on at most that many rows, with no per-detector incremental code.
 */
export class RescoringStream<I = unknown> extends BaseStreamScorer<I> {
  readonly kind: string;
  readonly capacity: number;
  private buffer: Float32Array;
  private rows = 0;

  constructor(
    private readonly detector: Detector,
    private readonly spec: RescoringSpec,
    options: StreamOptions<I> = {},
  ) {
    super(detector.channels, options);
    this.kind = `${detector.name}/rescoring`;
    const b = spec.block;
    // Whole blocks, plus the block being filled.
    this.capacity = (Math.ceil(Math.max(spec.context, spec.minRows) / b) + 1) * b;
    this.buffer = new Float32Array(this.capacity * detector.channels);
    const s = this.restoreSteps(options.state);
    if (s) {
      const rows = s.rows as number[];
      if (!Array.isArray(rows) || rows.length % this.channels !== 0)
        throw new Error('stream state: rows must be a list of numbers, a multiple of the channels');
      this.rows = rows.length / this.channels;
      if (this.rows > this.capacity) throw new Error('stream state: more rows than the window');
      this.buffer.set(rows);
    }
  }

  protected next(row: ArrayLike<number>): number | null {
    const ch = this.channels;
    if (this.rows === this.capacity) {
      // Drop the oldest block: the first buffered row always starts a block.
      const b = this.spec.block;
      this.buffer.copyWithin(0, b * ch);
      this.rows -= b;
    }
    for (let c = 0; c < ch; c++) this.buffer[this.rows * ch + c] = row[c]!;
    this.rows++;
    if (this.steps + 1 < this.spec.minRows) return null;
    const scores = this.detector.score(
      createSeries({ data: this.buffer.subarray(0, this.rows * ch), channels: ch }),
    );
    return scores[this.rows - 1]!;
  }

  protected ownState(): Record<string, unknown> {
    return { rows: Array.from(this.buffer.subarray(0, this.rows * this.channels)) };
  }
}

/** Context of a smoothing config, in modelled steps: what a trailing average looks back. */
export function smoothingContext(smoothing: { kind: string; span: number }): number {
  if (smoothing.kind === 'none' || smoothing.span <= 1) return 0;
  // EWMA never forgets: after 12 spans the weight left is exp(-24 / (1 + 1/span)) < 1e-8.
  return smoothing.kind === 'ewma' ? 12 * smoothing.span : smoothing.span - 1;
}

export function requireFittedForStream(d: Detector): void {
  if (!d.fitted)
    throw new Error(`${d.name}.stream: the detector is not fitted (call fit or load a model)`);
}

/** How a per-row detector scores one row, and any state that must survive a restart. */
export interface RowScoring {
  score(row: Float32Array): number;
  state?(): Record<string, unknown>;
  restore?(state: Record<string, unknown>): void;
}

/** For detectors that score each row on its own (one image or segment per row). */
export class PerRowStream<I = unknown> extends BaseStreamScorer<I> {
  readonly kind: string;
  readonly capacity = 1;
  private readonly row: Float32Array;

  constructor(
    detector: Detector,
    private readonly scoring: RowScoring,
    options: StreamOptions<I> = {},
  ) {
    super(detector.channels, options);
    this.kind = `${detector.name}/per-row`;
    this.row = new Float32Array(detector.channels);
    const s = this.restoreSteps(options.state);
    if (s) scoring.restore?.(s);
  }

  protected next(row: ArrayLike<number>): number {
    this.row.set(row);
    return this.scoring.score(this.row);
  }

  protected ownState(): Record<string, unknown> {
    return this.scoring.state?.() ?? {};
  }
}
