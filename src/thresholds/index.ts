// Public API of the thresholds: plain serialisable objects turning scores into
// decisions, with the rule "score > value is anomalous".
export type {
  Threshold,
  ThresholdKind,
  FprThreshold,
  PercentileThreshold,
  FixedThreshold,
  SweepThreshold,
  PValueThreshold,
  EvtThreshold,
} from './types.js';
export { applyThreshold } from './apply.js';
export { thresholdAtFpr } from './fpr.js';
export { thresholdAtPercentile } from './percentile.js';
export { fixedThresholds } from './fixed.js';
export { sweepThresholds } from './sweep.js';
export { pValues, thresholdAtPValue } from './p-values.js';
export { parseThreshold, thresholdToJson, saveThreshold, loadThreshold } from './serialize.js';
export {
  dynamicThreshold,
  dynamicThresholdMask,
  DYNAMIC_THRESHOLD_DEFAULTS,
  TELEMANOM_THRESHOLD,
  telemanomStartup,
} from './dynamic-threshold.js';
export type {
  DynamicThresholdOptions,
  DynamicThresholdResult,
  WindowEpsilon,
} from './dynamic-threshold.js';
export { ewmaErrors } from './ewma-errors.js';
export { searchEpsilon, type EpsilonChoice, type EpsilonSearchOptions } from './epsilon-search.js';
export { pruneSequences } from './prune-anomalies.js';
export { thresholdEvt, fitGpd, type GpdFit, type EvtOptions } from './evt.js';
export { thresholdAtTargetRate, scoresNeeded, type TargetRateThreshold } from './target-rate.js';
