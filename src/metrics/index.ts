// Public API of the metrics: confusion-based ratios, ranking metrics (ROC, PR,
// per-threshold tables), range- and event-aware metrics, VUS and NAB.
export type { Scores, Labels, Range } from './types.js';
export { maskToRanges, rangesToMask } from './ranges.js';
export { sortedAscending, quantileSorted } from './sorted.js';
export { confusionMatrix, type Confusion } from './confusion.js';
export {
  accuracy,
  precision,
  recall,
  specificity,
  falsePositiveRate,
  f1,
  fBeta,
} from './classification.js';
export { macroPrecision, macroRecall, macroF1 } from './macro.js';
export { rocAuc, rocCurve, type RocCurve } from './roc.js';
export { averagePrecision, prAucTrapezoid, prCurve, type PrCurve } from './pr.js';
export { thresholdTable, type ThresholdTable } from './threshold-table.js';
export { breakEvenPoint, type BreakEven } from './break-even.js';
export { empiricalCdf, type EmpiricalCdf } from './ecdf.js';
export {
  eventCounts,
  eventCountsFromRanges,
  type EventCounts,
  type EventCountOptions,
} from './event-level.js';
export {
  rangeBased,
  rangePrecision,
  rangeRecall,
  type PositionalBias,
  type CardinalityFunction,
  type RangeBasedOptions,
  type RangeBasedScores,
  type RangePrecisionOptions,
  type RangeRecallOptions,
} from './range-based.js';
export { vus, type VusOptions, type VusResult } from './vus.js';
export { pointAdjustedF1Diagnostic, type PointAdjustedDiagnostic } from './point-adjusted.js';
export {
  NAB_PROFILES,
  parseNabProfiles,
  type NabCostMatrix,
  type NabProfileName,
} from './nab/profiles.js';
export { scaledSigmoid } from './nab/sigmoid.js';
export { parseNabTimestamp } from './nab/timestamps.js';
export { locateWindows, probationaryLength } from './nab/windows.js';
export { nabRowScores, type NabRowScores } from './nab/row-scores.js';
export { nabScoreCurve, nabTotalAt, type NabFile, type NabScoreCurve } from './nab/score-curve.js';
export {
  chooseNabThreshold,
  exhaustiveThreshold,
  hillClimbThreshold,
  type HillClimbOptions,
  type NabThresholdChoice,
  type NabThresholdSearch,
} from './nab/threshold-search.js';
export { nabFileScores, type NabFileScore } from './nab/file-scores.js';
export { nabScore, type NabOptions, type NabProfileScore } from './nab/score.js';
export { loadNabCorpus, type NabCorpus, type NabCorpusOptions } from './nab/corpus.js';
