// Detected events for the report: runs of consecutive samples whose score is
// above the threshold ("flag > threshold", as applyThreshold), with the peak.
import type { NumericArray } from './common.js';

export interface DetectedEvent {
  /** First and last sample of the event, both inclusive. */
  start: number;
  end: number;
  peakScore: number;
  peakIndex: number;
}

/** Events where scores[i] > threshold (a number, or one per sample). */
export function detectEvents(
  scores: NumericArray,
  threshold: number | NumericArray,
): DetectedEvent[] {
  const n = scores.length;
  if (typeof threshold !== 'number' && threshold.length !== n) {
    throw new Error(`detectEvents: ${threshold.length} thresholds for ${n} scores`);
  }
  const at = typeof threshold === 'number' ? () => threshold : (i: number) => threshold[i];
  const events: DetectedEvent[] = [];
  let cur: DetectedEvent | undefined;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (s > at(i)) {
      if (cur === undefined) {
        cur = { start: i, end: i, peakScore: s, peakIndex: i };
        events.push(cur);
      } else {
        cur.end = i;
        if (s > cur.peakScore) {
          cur.peakScore = s;
          cur.peakIndex = i;
        }
      }
    } else {
      cur = undefined;
    }
  }
  return events;
}
