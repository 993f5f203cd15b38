// Public API of the data layer: series, file readers, labels and featurization.
// Conventions throughout: row and column indices are 0-based; index ranges are inclusive
// at both ends; timestamps are epoch milliseconds, and a time written without a zone is
// UTC; every problem with a file is a DataError whose message starts with the file path.
export { DataError, type DataErrorLocation } from './errors.js';
export {
  createSeries,
  seriesFromColumns,
  channelIndex,
  column,
  sliceRows,
  selectRows,
  selectChannels,
  valueAt,
  stackSeries,
  firstNonFinite,
  type Series,
  type SeriesInit,
  type ChannelRef,
} from './series.js';
export {
  createRng,
  rngFromState,
  shuffleInPlace,
  deriveSeed,
  DEFAULT_SEED,
  SEED_STREAMS,
  type Rng,
  type SeedStream,
} from './random.js';
export { generateSine, type SineOptions } from './sine.js';
export { parseTimestamp } from './timestamps.js';
export { readFileBytes, readMaybeGzip, isGzip } from './files.js';
export { readCsv, parseCsv, readCsvTable, type CsvOptions, type CsvTable } from './csv.js';
export type { CellGrid } from './csv-cells.js';
export {
  toFloat32Array,
  toFloat64Array,
  ndarrayToSeries,
  shapeSize,
  formatShape,
  DTYPE_SIZE,
  type NdArray,
  type DType,
  type DTypeArrays,
} from './ndarray.js';
export { readNpy, parseNpy, encodeNpy, writeNpy } from './npy.js';
export { readNpz, readNpzArray, readNpzImages, type ImageSet } from './npz.js';
export {
  ImageNormalizer,
  globalContrastNormalize,
  IMAGE_NORMALIZATIONS,
  type ImageNormalization,
  type ImageNormalizerState,
} from './image-normalization.js';
export { readIdx, parseIdx, readMnistImages, readMnistLabels, type IdxImages } from './idx.js';
export {
  readImageFolder,
  listImageFiles,
  labelsFromSubfolders,
  IMAGE_EXTENSIONS,
  type FolderImages,
  type ImageFolderOptions,
  type ColorMode,
} from './image-folder.js';
export {
  readNab,
  readNabFile,
  readNabWindows,
  readNabCorpus,
  windowsToRanges,
  nabWindowsPath,
  type NabFile,
  type TimeWindow,
} from './nab.js';
export {
  dsadsPersons,
  readDsads,
  readDsadsSegment,
  DSADS_ROWS,
  DSADS_CHANNELS,
  type DsadsSegment,
  type DsadsFilter,
} from './dsads.js';
export {
  amslSplit,
  AMSL_ABNORMAL_ACTIVITIES,
  type AmslSplit,
  type AmslSplitOptions,
} from './amsl.js';
export { rangesToMask, maskToRanges, mergeRanges, checkRange, type IndexRange } from './ranges.js';
export { readRanges, parseRangesJson, readLabelColumn, readJson } from './labels.js';
export {
  readTelemanomLabels,
  readChannelRangeTable,
  type TelemanomLabel,
  type ChannelRanges,
} from './telemanom.js';
export { readSeries, type ReadSeriesOptions } from './read-series.js';
export { readSource, type ReadSourceOptions } from './sources/read-source.js';
export {
  parseDatabaseRef,
  parseSinkRef,
  isDatabaseRef,
  type DatabaseRef,
  type SinkRef,
  type TableSelection,
} from './sources/source-ref.js';
export type { TableReadOptions } from './sources/column-plan.js';
export {
  writeTable,
  type SinkColumn,
  type SinkRows,
  type SinkType,
  type WriteTableOptions,
} from './sources/table-sink.js';
export { scoreRows, SCORE_COLUMNS } from './sources/score-table.js';
export { downsample, type DownsampleOptions } from './downsample.js';
export { slidingWindows, windowCount, type WindowOptions, type Windows } from './windows.js';
export { Scaler, fitScaler, type ScalerKind, type ScalerState } from './scalers.js';
export { Fft, fft, isPowerOfTwo } from './fft.js';
export { powerSpectrum, spectrumFrameCount, type SpectrumOptions } from './spectrum.js';
export {
  serviceMetricsCase,
  seriesToCsv,
  SERVICE_CHANNELS,
  type ServiceFault,
  type ServiceMetricsCase,
  type ServiceMetricsOptions,
} from './service-metrics.js';
