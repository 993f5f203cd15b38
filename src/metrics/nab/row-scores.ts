// NAB's per-row weighted reward, the S(t) column of NAB's result files: what a
// detection on that row would be worth under a cost matrix.
//   In a window of width w ending at row e: position -(e - i + 1)/w runs from
//   -1 (first row) towards 0 (last row); reward tpWeight * sigmoid / sigmoid(-1),
//   so the first row of a window earns exactly tpWeight.
//   After a window (of width w, ending at row e): position (i - e)/(w - 1),
//   reward fpWeight * sigmoid, a penalty that grows with the distance, so late
//   detections of a just-ended anomaly cost less than far-off false alarms.
//   Before the first window: -fpWeight.
// Rows carry the id of their window (-1 for none) for the per-window tally.
import type { Range } from '../types.js';
import type { NabCostMatrix } from './profiles.js';
import { scaledSigmoid } from './sigmoid.js';

export interface NabRowScores {
  reward: Float64Array;
  window: Int32Array;
}

export function nabRowScores(
  rows: number,
  windows: readonly Range[],
  cost: NabCostMatrix,
): NabRowScores {
  const reward = new Float64Array(rows);
  const window = new Int32Array(rows).fill(-1);
  const maxTp = scaledSigmoid(-1);
  let prevEnd = -1;
  let prevWidth = 0;
  let w = 0;
  for (let i = 0; i < rows; i++) {
    const cur = w < windows.length && i >= windows[w].start ? windows[w] : undefined;
    if (cur !== undefined) {
      const width = cur.end - cur.start + 1;
      reward[i] = (cost.tpWeight * scaledSigmoid(-(cur.end - i + 1) / width)) / maxTp;
      window[i] = w;
      if (i === cur.end) {
        prevEnd = cur.end;
        prevWidth = width;
        w++;
      }
    } else if (prevEnd < 0) {
      reward[i] = -cost.fpWeight;
    } else {
      // A one-row window has no length to scale by; treat it as length 1.
      const position = (i - prevEnd) / Math.max(prevWidth - 1, 1);
      reward[i] = cost.fpWeight * scaledSigmoid(position);
    }
  }
  return { reward, window };
}
