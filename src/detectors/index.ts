// Public API of the detectors: the contract, the registry, each detector and evaluation.
export type { Detector, FitOptions, EpochReport, TrainingSummary } from './detector.js';
export { NotFittedError } from './detector.js';
export { ConfigError } from '../config/errors.js';
export {
  createDetector,
  loadDetector,
  loadModel,
  detectorNames,
  detectorEntry,
  registerDetector,
  validateDetectorConfig,
  type DetectorEntry,
  type LoadedModel,
} from './registry.js';
export {
  readManifest,
  readSavedModel,
  modelFilePath,
  readNormalScores,
  updateManifest,
  type Manifest,
  type SaveExtras,
  type SavedModel,
} from './model-dir.js';
export { Forecaster, FORECASTER_DEFAULTS, type ForecasterConfig } from './forecaster.js';
export { Autoencoder, AUTOENCODER_DEFAULTS, type AutoencoderConfig } from './autoencoder.js';
export { CaeOcsvmDetector, CAE_OCSVM_DEFAULTS, type CaeOcsvmConfig } from './cae-ocsvm.js';
export { OcsvmDetector, OCSVM_DEFAULTS, type OcsvmConfig } from './ocsvm.js';
export { DeepSvddDetector, DEEP_SVDD_DEFAULTS, type DeepSvddConfig } from './deep-svdd.js';
export { AmslDetector, AMSL_DEFAULTS, type AmslConfig } from './amsl.js';
export { AutoDetector, AUTO_DEFAULTS, type AutoConfig, type AutoChoice } from './auto.js';
export { DiscordDetector, DISCORD_DEFAULTS, type DiscordConfig } from './discord.js';
export { PcaDetector, type PcaConfig } from './baselines/pca.js';
export { KnnDetector, type KnnConfig } from './baselines/knn.js';
export {
  IsolationForestDetector,
  type IsolationForestConfig,
} from './baselines/isolation-forest.js';
export { RollingZScoreDetector, type RollingZScoreConfig } from './baselines/rolling-zscore.js';
// Streaming (row by row, NAB's rules): for live feeds and the NAB benchmark.
export {
  NoveltySurprise,
  scoreNoveltyStream,
  NOVELTY_SURPRISE_DEFAULTS,
  NOVELTY_SURPRISE_SCHEMA,
  type NoveltySurpriseConfig,
} from './streaming/novelty-surprise.js';
export {
  WindowedLikelihood,
  scoreStream as scoreWindowedLikelihoodStream,
  WINDOWED_LIKELIHOOD_DEFAULTS,
  WINDOWED_LIKELIHOOD_SCHEMA,
  type WindowedLikelihoodConfig,
} from './streaming/windowed-likelihood.js';
export { scoreAsStream, type StreamingDetector } from './streaming/streaming-detector.js';
export {
  createStreamingDetector,
  registerStreamingDetector,
  streamingDetectorEntry,
  streamingDetectorNames,
  STREAMING_DETECTORS,
  type StreamingEntry,
} from './streaming/registry.js';
export {
  Damp,
  scoreDampStream,
  DAMP_DEFAULTS,
  DAMP_SCHEMA,
  type DampConfig,
} from './streaming/damp.js';
export { smooth, type SmoothingConfig, type SmoothingKind } from './smoothing.js';
export { evaluateScores, type Evaluation } from './evaluation.js';
