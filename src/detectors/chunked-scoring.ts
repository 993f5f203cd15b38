// Scoring a long series a chunk of steps at a time, in bounded memory, with the same
// scores and explanations as scoring it whole. A detector whose step scores depend only
// on nearby rows says how far they reach (Detector.scoringReach); each chunk of steps is
// scored as a slice that extends that far on both sides and starts at a multiple of the
// detector's `align` rows, so that its batches of windows are those of the whole run and
// every float sum is done in the same order. A series no longer than one chunk (plus the
// reach) is scored whole, in one slice; so is any series of a detector without a reach.
import { RowBuffer } from '../data/row-buffer.js';
import type { Series } from '../data/series.js';
import type { Detector } from './detector.js';

/** What chunked scoring calls on a detector. */
export type ChunkScorable = Pick<Detector, 'score' | 'explain' | 'scoringReach'>;

export interface ScoredChunk {
  /** Index of the chunk's first step in the whole series. */
  start: number;
  /** The chunk's steps as read (values, timestamps, names). */
  series: Series;
  scores: Float32Array;
  /** explain() of the chunk's steps: [series.length, width] for the detector's width. */
  contributions: Float32Array;
}

/**
 * Scores the series arriving in `parts` (consecutive runs of steps, as read) and yields
 * the scores and explanations in consecutive chunks of about `rows` steps: equal, value
 * for value, to `detector.score` and `detector.explain` of the whole series.
 */
export async function* scoreInChunks(
  detector: ChunkScorable,
  parts: AsyncIterable<Series>,
  rows: number,
): AsyncGenerator<ScoredChunk> {
  const reach = detector.scoringReach?.();
  const align = reach?.align ?? 1;
  const size = Math.max(1, Math.ceil(rows / align)) * align;
  const after = reach ? Math.ceil(reach.after / align) * align : 0;
  const buffer = new RowBuffer();
  let next = 0;

  /** Scores steps [next, end) in a slice ending at `to`. */
  const chunk = (end: number, to: number): ScoredChunk => {
    const from = reach ? Math.max(0, Math.floor((next - reach.before) / align) * align) : 0;
    const slice = buffer.slice(from, to);
    const scores = detector.score(slice);
    const explained = detector.explain(slice);
    const width = explained.length / slice.length;
    const out: ScoredChunk = {
      start: next,
      series: buffer.slice(next, end),
      scores: scores.subarray(next - from, end - from),
      contributions: explained.subarray((next - from) * width, (end - from) * width),
    };
    next = end;
    if (reach) buffer.dropBefore(Math.max(0, Math.floor((next - reach.before) / align) * align));
    return out;
  };

  for await (const part of parts) {
    buffer.append(part);
    // A chunk is scored once the rows its last step reaches are in.
    if (reach)
      while (buffer.end >= next + size + after) yield chunk(next + size, next + size + after);
  }
  const n = buffer.end;
  // An empty series: the detector refuses it in its own words.
  if (n === 0 && buffer.channels > 0) yield chunk(0, 0);
  while (next < n) {
    // The rest in one slice when it is short, so that a short series is scored whole.
    const end = !reach || n - next <= size + after ? n : next + size;
    yield chunk(end, Math.min(n, end + after));
  }
}
