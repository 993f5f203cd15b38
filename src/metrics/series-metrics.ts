// The three numbers the series harness and the automatic choice rank detectors by:
// average precision (AUC-PR), VUS-PR (range-aware, buffers up to `maxBuffer` steps)
// and the top-1 hit: whether the single highest score falls inside a labelled range
// widened by `tolerance` steps on each side (what a user looking at the worst moment
// of a series sees).
import type { Labels, Scores } from './types.js';
import { averagePrecision } from './pr.js';
import { vus } from './vus.js';

export interface SeriesMetrics {
  aucPr: number;
  vusPr: number;
  top1: number;
}

/** 1 when the highest score (first of ties) lies within `tolerance` steps of a labelled step. */
export function topHit(scores: Scores, labels: Labels, tolerance: number): number {
  let top = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[top]!) top = i;
  const lo = Math.max(0, top - tolerance);
  const hi = Math.min(labels.length - 1, top + tolerance);
  for (let i = lo; i <= hi; i++) if (labels[i]) return 1;
  return 0;
}

export function seriesMetrics(
  scores: Scores,
  labels: Labels,
  options: { maxBuffer?: number; tolerance?: number; vusThresholds?: number } = {},
): SeriesMetrics {
  return {
    aucPr: averagePrecision(scores, labels),
    vusPr: vus(scores, labels, {
      maxBuffer: options.maxBuffer ?? 100,
      thresholds: options.vusThresholds ?? 250,
    }).vusPr,
    top1: topHit(scores, labels, options.tolerance ?? 100),
  };
}
