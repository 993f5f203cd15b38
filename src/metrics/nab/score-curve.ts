// The raw NAB total of a corpus as a step function of the threshold. Only rows
// after each file's probationary period count; a threshold flags rows with
// anomaly score >= threshold (NAB's rule). Every flagged row outside a window
// adds its (negative) reward; each window adds the reward of its earliest
// flagged row (the largest: rewards fall along a window), or -fnWeight if no
// row of it is flagged. Built with one sort of all scorable rows and one pass
// that flags them from the highest score down.
import type { Range, Scores } from '../types.js';
import type { NabCostMatrix } from './profiles.js';
import { nabRowScores } from './row-scores.js';
import { probationaryLength } from './windows.js';

export interface NabFile {
  /** e.g. "realKnownCause/nyc_taxi.csv" */
  name: string;
  /** The detector's anomaly score for every row. */
  scores: Scores;
  /** Labelled windows as row ranges, in order. */
  windows: readonly Range[];
}

export interface NabScoreCurve {
  /** Distinct anomaly scores of scorable rows, descending. */
  thresholds: Float64Array;
  /** totals[k]: the corpus total when flagging scores >= thresholds[k]. */
  totals: Float64Array;
  /** The total when nothing is flagged. */
  noneTotal: number;
}

/** First row after the probationary period (NAB scores rows i >= its length). */
export function firstScoredRow(rows: number, probationPercent: number): number {
  return Math.min(rows, Math.ceil(probationaryLength(rows, probationPercent)));
}

export function nabScoreCurve(
  files: readonly NabFile[],
  cost: NabCostMatrix,
  probationPercent = 0.15,
): NabScoreCurve {
  // Flatten the scorable rows of all files: score, reward, global window id.
  let n = 0;
  for (const f of files) n += f.scores.length - firstScoredRow(f.scores.length, probationPercent);
  const score = new Float64Array(n);
  const reward = new Float64Array(n);
  const window = new Int32Array(n);
  let at = 0;
  let windows = 0;
  for (const f of files) {
    const rows = nabRowScores(f.scores.length, f.windows, cost);
    for (let i = firstScoredRow(f.scores.length, probationPercent); i < f.scores.length; i++) {
      const s = f.scores[i];
      if (Number.isNaN(s)) throw new Error(`${f.name}: anomaly score of row ${i} is NaN`);
      score[at] = s;
      reward[at] = rows.reward[i];
      window[at] = rows.window[i] < 0 ? -1 : windows + rows.window[i];
      at++;
    }
    windows += f.windows.length;
  }

  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => score[b] - score[a]);

  // Windows with no scorable row can be neither detected nor missed, as in NAB.
  const best = new Float64Array(windows).fill(NaN);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = window[i];
    if (w >= 0 && Number.isNaN(best[w])) {
      best[w] = -cost.fnWeight;
      total -= cost.fnWeight;
    }
  }
  const noneTotal = total;
  const thresholds: number[] = [];
  const totals: number[] = [];
  let k = 0;
  while (k < n) {
    const v = score[order[k]];
    for (; k < n && score[order[k]] === v; k++) {
      const i = order[k];
      const w = window[i];
      if (w < 0) total += reward[i];
      else if (reward[i] > best[w]) {
        total += reward[i] - best[w];
        best[w] = reward[i];
      }
    }
    thresholds.push(v);
    totals.push(total);
  }
  return {
    thresholds: Float64Array.from(thresholds),
    totals: Float64Array.from(totals),
    noneTotal,
  };
}

/** The corpus total when flagging scores >= x. */
export function nabTotalAt(curve: NabScoreCurve, x: number): number {
  // Count thresholds >= x (they descend): the state after flagging them all.
  const t = curve.thresholds;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] >= x) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? curve.noneTotal : curve.totals[lo - 1];
}
