// Shared input types. Scores: higher = more anomalous, always. Labels and
// predictions: 1 = anomalous, 0 = normal (any non-zero byte counts as 1).

/** Anomaly scores, one per sample; higher means more anomalous. */
export type Scores = Float32Array | Float64Array | readonly number[];

/** Ground truth or predictions, one byte per sample: non-zero = anomalous. */
export type Labels = Uint8Array;

/** A run of consecutive anomalous samples, both ends inclusive. */
export interface Range {
  start: number;
  end: number;
}
