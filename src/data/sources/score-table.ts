// Scores of one series as sink rows: series, step, time, score, anomalous.
import type { SinkColumn, SinkRows } from './table-sink.js';

export const SCORE_COLUMNS: readonly SinkColumn[] = [
  { name: 'series', type: 'text' },
  { name: 'step', type: 'bigint' },
  { name: 'time', type: 'timestamptz' },
  { name: 'score', type: 'double' },
  { name: 'anomalous', type: 'boolean' },
];

/**
 * One row per step; `time` is NULL without timestamps and `anomalous` without flags.
 * Written with `replace: { column: 'series', value: series }`, a rerun replaces its rows.
 */
export function scoreRows(
  series: string,
  scores: Float32Array,
  options: { timestamps?: Float64Array; flags?: Uint8Array } = {},
): SinkRows {
  const n = scores.length;
  const { timestamps, flags } = options;
  if (timestamps !== undefined && timestamps.length !== n) {
    throw new RangeError(`${n} scores but ${timestamps.length} timestamps`);
  }
  if (flags !== undefined && flags.length !== n)
    throw new RangeError(`${n} scores but ${flags.length} flags`);
  return {
    columns: SCORE_COLUMNS,
    values: [
      Array.from({ length: n }, () => series),
      Array.from({ length: n }, (_, i) => i),
      timestamps ?? Array.from({ length: n }, () => null),
      scores,
      flags ? Array.from(flags, (f) => f === 1) : Array.from({ length: n }, () => null),
    ],
  };
}
