// Plots and the self-contained HTML report.
export { palette, theme, chartSize, fontFamily } from './theme.js';
export { DEFAULT_MAX_POINTS, minMaxBucketIndices, strideIndices } from './downsample.js';
export type {
  BaseChartOptions,
  ChartSpec,
  LabelledRange,
  NumericArray,
  XValues,
} from './common.js';
export { scoreChart, type ScoreChartInput } from './score-chart.js';
export { waveformChart, type WaveformChartInput } from './waveform-chart.js';
export { errorCdfChart, type ErrorCdfChartInput, type NamedErrors } from './error-cdf-chart.js';
export { rocChart, rocBreakEven, type RocChartInput, type RocCurveInput } from './roc-chart.js';
export { prChart, type PrChartInput, type PrCurveInput } from './pr-chart.js';
export { thresholdChart, thresholdBreakEven, type ThresholdChartInput } from './threshold-chart.js';
export { tsneChart, type EmbeddingChartInput } from './tsne-chart.js';
export { tsne, subsampleIndices, type TsneOptions, type TsneResult } from './tsne.js';
export { lossChart, type LossChartInput } from './loss-chart.js';
export { renderSvg, renderPng, svgToPng, toVegaSpec, type PngOptions } from './render.js';
export { writeChart, type WrittenChart } from './write-chart.js';
export { detectEvents, type DetectedEvent } from './events.js';
export {
  buildHtmlReport,
  writeHtmlReport,
  vegaBundles,
  escapeHtml,
  type HtmlReportInput,
  type ReportChart,
} from './html-report.js';
export {
  writeEvaluationReport,
  type EvaluationReportInput,
  type WrittenReport,
} from './evaluation-report.js';
export {
  writeIncidentReport,
  type IncidentReportInput,
  type WrittenIncidentReport,
} from './incident-report.js';
export { channelsChart, type ChannelsChartInput, type ShadedRange } from './channels-chart.js';
export { METRIC_MEANINGS } from './metric-meanings.js';
export {
  imageThumbnail,
  type GalleryImage,
  type ImageGallery,
} from './image-gallery.js';
