// The contract every detector honours: fit on normal data only, score any
// series (one score per time step, higher = more anomalous), explain scores
// per channel, and save to / load from a model directory.
import type { Series } from '../data/series.js';
import type { SaveExtras } from './model-dir.js';
import type { EpochReport, TrainingSummary } from '../models/training-report.js';
import type { StreamOptions, StreamScorer } from './stream-scorer.js';

export type { EpochReport, TrainingSummary } from '../models/training-report.js';

export interface FitOptions {
  /** Held-out normal data for validation loss and early stopping. */
  validation?: Series;
  /** Makes the run repeatable: same seed, same weights, same scores. */
  seed?: number;
  /** Cancels training between batches; fit() then rejects with an AbortError. */
  signal?: AbortSignal;
  onEpoch?: (report: EpochReport) => void;
}

/**
 * How far a step's score and explanation reach into the series around it, in input rows,
 * when that is bounded (see chunked-scoring.ts): any slice that extends `before` rows
 * back and `after` rows on from a step, and starts at a multiple of `align` rows, gives
 * that step the same values, bit for bit, as the whole series.
 */
export interface ScoringReach {
  before: number;
  after: number;
  /** Slice starts line up with the detector's batches of windows (float sums then match). */
  align: number;
}

export interface Detector {
  /** Registry name, e.g. "forecaster". */
  readonly name: string;
  /** Full configuration, JSON-serialisable, enough to rebuild the detector. */
  readonly config: object;
  readonly fitted: boolean;
  /** Channels of the training data (checked on every later input). */
  readonly channels: number;
  readonly summary?: TrainingSummary;
  fit(train: Series, options?: FitOptions): Promise<TrainingSummary>;
  /** One score per time step, higher = more anomalous. */
  score(x: Series): Float32Array;
  /**
   * Steps before this one get no real score (no full window yet): they score 0 and
   * are reported as empty. Absent: every step is scored.
   */
  firstScoredStep?(): number;
  /** Per-step, per-channel contributions [length, channels]; rows sum to the score before smoothing. */
  explain(x: Series): Float32Array;
  /**
   * How far scores reach, when bounded: a long series is then scored in chunks with
   * bounded memory. Absent or undefined: scores need the whole series.
   */
  scoringReach?(): ScoringReach | undefined;
  /**
   * A live scorer fed one row at a time, with bounded memory; the score of each row equals
   * what batch `score()` gives the newest step of the series seen so far.
   */
  stream<I = unknown>(options?: StreamOptions<I>): StreamScorer<I>;
  /** Writes manifest.json and the weights file into dir, atomically. */
  save(dir: string, extras?: SaveExtras): void;
}

/** The error of a detector used (score, explain, save...) before fit or load. */
export class NotFittedError extends Error {
  override name = 'NotFittedError';
  constructor(detector: string, what: string) {
    super(`${detector}.${what}: the detector is not fitted (call fit or load a model)`);
  }
}
