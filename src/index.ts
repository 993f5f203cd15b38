// Public API of normalcy. The most used pieces are top-level; each layer is
// also available whole as a namespace (engine, data, detectors, thresholds,
// metrics, alarms, report).
export { packageVersion } from './version.js';
export * as engine from './engine/index.js';
export * as data from './data/index.js';
export * as detectors from './detectors/index.js';
export * as thresholds from './thresholds/index.js';
export * as metrics from './metrics/index.js';
export * as alarms from './alarms/index.js';
export * as report from './report/index.js';

export {
  readSeries,
  readSource,
  writeTable,
  createSeries,
  sliceRows,
  type Series,
} from './data/index.js';
export {
  createDetector,
  loadDetector,
  Forecaster,
  Autoencoder,
  CaeOcsvmDetector,
  AmslDetector,
  evaluateScores,
  type Detector,
  type FitOptions,
} from './detectors/index.js';
export {
  thresholdAtFpr,
  thresholdAtPercentile,
  thresholdAtTargetRate,
  applyThreshold,
  type Threshold,
} from './thresholds/index.js';
export {
  findIncidents,
  detectIncidents,
  IncidentTracker,
  DriftGuard,
  type Incident,
} from './alarms/index.js';
export { rocAuc, averagePrecision, vus } from './metrics/index.js';
export { writeEvaluationReport } from './report/index.js';
