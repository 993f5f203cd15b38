// Range-based precision and recall (Tatbul et al., "Precision and Recall for
// Time Series", NeurIPS 2018). A labelled range earns recall for being hit at
// all (weight alpha) and for how much of it is covered (weight 1 - alpha); the
// coverage is weighted by a positional bias and divided by a cardinality
// factor when several predicted ranges split one labelled range. Precision is
// the same construction with the roles swapped and alpha = 0.
import type { Labels, Range } from './types.js';
import { maskToRanges } from './ranges.js';
import { checkSameLength } from './validate.js';

/** Where within a range coverage counts most. */
export type PositionalBias = 'flat' | 'front' | 'back' | 'middle';

/**
 * The factor applied when a range overlaps x > 1 ranges of the other side:
 * 'one' ignores fragmentation, 'reciprocal' gives 1/x (the paper's example),
 * or a function of x.
 */
export type CardinalityFunction = 'one' | 'reciprocal' | ((overlaps: number) => number);

export interface RangeRecallOptions {
  /** Weight of the existence reward, in [0, 1]; default 0. */
  alpha?: number;
  bias?: PositionalBias;
  cardinality?: CardinalityFunction;
}

export interface RangePrecisionOptions {
  bias?: PositionalBias;
  cardinality?: CardinalityFunction;
}

/** delta(i, len): weight of the i-th position (1-based) of a range of length len. */
function delta(bias: PositionalBias, i: number, len: number): number {
  switch (bias) {
    case 'flat':
      return 1;
    case 'front':
      return len - i + 1;
    case 'back':
      return i;
    case 'middle':
      return i <= len / 2 ? i : len - i + 1;
  }
}

function cardinalityFactor(c: CardinalityFunction, overlaps: number): number {
  if (overlaps <= 1) return 1;
  if (c === 'one') return 1;
  if (c === 'reciprocal') return 1 / overlaps;
  return c(overlaps);
}

/**
 * For each range of `targets`, its score against `others`: alpha times
 * "overlapped at all" plus (1 - alpha) times the cardinality factor times the
 * bias-weighted fraction of it covered. Both lists sorted and disjoint.
 */
function perRangeScores(
  targets: readonly Range[],
  others: readonly Range[],
  alpha: number,
  bias: PositionalBias,
  cardinality: CardinalityFunction,
): number {
  let total = 0;
  let j = 0;
  for (const r of targets) {
    const len = r.end - r.start + 1;
    while (j < others.length && others[j].end < r.start) j++;
    let covered = 0;
    let count = 0;
    for (let k = j; k < others.length && others[k].start <= r.end; k++) {
      const a = Math.max(r.start, others[k].start);
      const b = Math.min(r.end, others[k].end);
      for (let p = a; p <= b; p++) covered += delta(bias, p - r.start + 1, len);
      count++;
    }
    if (count === 0) continue;
    let max = 0;
    for (let i = 1; i <= len; i++) max += delta(bias, i, len);
    total += alpha + (1 - alpha) * cardinalityFactor(cardinality, count) * (covered / max);
  }
  return total;
}

function checkRanges(what: string, ranges: readonly Range[]): void {
  for (let i = 0; i < ranges.length; i++) {
    if (ranges[i].end < ranges[i].start)
      throw new Error(`${what}: range ${i} ends before it starts`);
    if (i > 0 && ranges[i].start <= ranges[i - 1].end) {
      throw new Error(`${what}: ranges must be sorted and disjoint (range ${i})`);
    }
  }
}

/** Range-based recall over labelled ranges; 0 when there are none. */
export function rangeRecall(
  labelled: readonly Range[],
  predicted: readonly Range[],
  options: RangeRecallOptions = {},
): number {
  const alpha = options.alpha ?? 0;
  if (!(alpha >= 0 && alpha <= 1))
    throw new Error(`rangeRecall: alpha must be in [0, 1], got ${alpha}`);
  checkRanges('labelled', labelled);
  checkRanges('predicted', predicted);
  if (labelled.length === 0) return 0;
  const s = perRangeScores(
    labelled,
    predicted,
    alpha,
    options.bias ?? 'flat',
    options.cardinality ?? 'one',
  );
  return s / labelled.length;
}

/** Range-based precision over predicted ranges; 0 when there are none. */
export function rangePrecision(
  labelled: readonly Range[],
  predicted: readonly Range[],
  options: RangePrecisionOptions = {},
): number {
  checkRanges('labelled', labelled);
  checkRanges('predicted', predicted);
  if (predicted.length === 0) return 0;
  const s = perRangeScores(
    predicted,
    labelled,
    0,
    options.bias ?? 'flat',
    options.cardinality ?? 'one',
  );
  return s / predicted.length;
}

export interface RangeBasedOptions {
  alpha?: number;
  recallBias?: PositionalBias;
  precisionBias?: PositionalBias;
  cardinality?: CardinalityFunction;
}

export interface RangeBasedScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Range-based precision, recall and their harmonic mean from 0/1 masks. */
export function rangeBased(
  predicted: Labels,
  labels: Labels,
  options: RangeBasedOptions = {},
): RangeBasedScores {
  checkSameLength('rangeBased', predicted, labels);
  const real = maskToRanges(labels);
  const pred = maskToRanges(predicted);
  const recall = rangeRecall(real, pred, {
    alpha: options.alpha,
    bias: options.recallBias,
    cardinality: options.cardinality,
  });
  const precision = rangePrecision(real, pred, {
    bias: options.precisionBias,
    cardinality: options.cardinality,
  });
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
