// Event-level counting as telemanom (Hundman et al., KDD 2018) does it: each
// labelled range that any predicted range overlaps is one true positive, each
// predicted range that overlaps no labelled range is one false positive, and
// each labelled range nothing overlaps is one false negative. Many predicted
// ranges on one labelled range still make a single true positive.
// telemanom's code is stricter than its description: a predicted range credits
// only the first labelled range (in the label row's order) it overlaps, and
// nothing when that one is already credited (`credit: 'first'`).
import type { Labels, Range } from './types.js';
import { maskToRanges } from './ranges.js';
import { checkSameLength } from './validate.js';
import { ratio } from './classification.js';

export interface EventCounts {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

function checkSorted(what: string, ranges: readonly Range[]): void {
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i];
    if (r.end < r.start) throw new Error(`${what}: range ${i} ends before it starts`);
    if (i > 0 && r.start <= ranges[i - 1].end) {
      throw new Error(`${what}: ranges must be sorted and disjoint (range ${i})`);
    }
  }
}

export interface EventCountOptions {
  /**
   * 'every' (default): each labelled range a prediction overlaps is a TP.
   * 'first': only the first labelled range, in the order given, that it
   * overlaps (telemanom's code); the labelled ranges need not be sorted.
   */
  credit?: 'every' | 'first';
}

/** Precision, recall and F1 beside the event counts themselves. */
export function withEventRates(tp: number, fp: number, fn: number): EventCounts {
  return {
    tp,
    fp,
    fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}

function countFirstOverlaps(predicted: readonly Range[], labelled: readonly Range[]): EventCounts {
  labelled.forEach((r, i) => {
    if (r.end < r.start) throw new Error(`labelled: range ${i} ends before it starts`);
  });
  const hit = new Uint8Array(labelled.length);
  let fp = 0;
  for (const p of predicted) {
    const first = labelled.findIndex((l) => l.start <= p.end && l.end >= p.start);
    if (first < 0) fp++;
    else hit[first] = 1;
  }
  const tp = hit.reduce((a, b) => a + b, 0);
  return withEventRates(tp, fp, labelled.length - tp);
}

/** Event counts from ranges (sorted, disjoint, ends inclusive). */
export function eventCountsFromRanges(
  predicted: readonly Range[],
  labelled: readonly Range[],
  options: EventCountOptions = {},
): EventCounts {
  checkSorted('predicted', predicted);
  if (options.credit === 'first') return countFirstOverlaps(predicted, labelled);
  checkSorted('labelled', labelled);
  const hit = new Uint8Array(labelled.length);
  let fp = 0;
  // Two pointers: labelled ranges ending before a predicted range starts can
  // never overlap a later predicted range either.
  let j = 0;
  for (const p of predicted) {
    while (j < labelled.length && labelled[j].end < p.start) j++;
    let overlaps = false;
    for (let k = j; k < labelled.length && labelled[k].start <= p.end; k++) {
      hit[k] = 1;
      overlaps = true;
    }
    if (!overlaps) fp++;
  }
  let tp = 0;
  for (let k = 0; k < hit.length; k++) tp += hit[k];
  return withEventRates(tp, fp, labelled.length - tp);
}

/** Event counts from per-sample predictions and labels. */
export function eventCounts(predicted: Labels, labels: Labels): EventCounts {
  checkSameLength('eventCounts', predicted, labels);
  return eventCountsFromRanges(maskToRanges(predicted), maskToRanges(labels));
}
