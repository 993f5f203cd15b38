// The contract of the streaming detectors (NAB's rules): each row is scored from
// the rows before it, then learned; nothing is fitted in advance.
import { ConfigError } from '../../config/errors.js';

export interface StreamingDetector {
  /** Registry name, e.g. "novelty-surprise". */
  readonly name: string;
  /** Full configuration, JSON-serialisable. */
  readonly config: object;
  /**
   * Scores one row from the rows before it, then learns it (higher = more
   * anomalous, in [0, 1]). `timeMs` (ms since the epoch) serves detectors that
   * use the time of day; others ignore it. Non-finite values score 0 and are skipped.
   */
  update(value: number, timeMs?: number): number;
}

/** Refuses a probation that is not a positive integer (the detectors that fix a scale on it). */
export function checkProbation(name: string, probation: number): void {
  if (!Number.isInteger(probation) || probation < 1)
    throw new ConfigError(`${name} probation: ${probation} is not an integer >= 1`);
}

/**
 * Scores a whole series as a stream, row by row; `times` (ms since the epoch,
 * one per row) go to update(). The first `probation` rows are learned from and
 * scored 0.
 */
export function scoreAsStream(
  detector: StreamingDetector,
  values: ArrayLike<number>,
  options: { times?: ArrayLike<number>; probation?: number } = {},
): Float64Array {
  const { times, probation = 0 } = options;
  if (times && times.length !== values.length)
    throw new Error(`${detector.name}: ${times.length} timestamps for ${values.length} values`);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = detector.update(values[i]!, times?.[i]);
    out[i] = i < probation ? 0 : s;
  }
  return out;
}
