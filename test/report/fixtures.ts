// Small deterministic inputs for the report tests.
import {
  errorCdfChart,
  lossChart,
  prChart,
  rocChart,
  scoreChart,
  thresholdChart,
  tsneChart,
  waveformChart,
  type ChartSpec,
} from '../../src/report/index.js';
import {
  averagePrecision,
  prCurve,
  rocAuc,
  rocCurve,
  thresholdTable,
} from '../../src/metrics/index.js';

export function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
}

export interface Fixture {
  n: number;
  series: Float64Array;
  scores: Float64Array;
  labels: Uint8Array;
  threshold: number;
  /** The two labelled anomalies: a long level shift and a short burst. */
  ranges: { start: number; end: number }[];
}

/** A sine with two injected anomalies; scores are high there. */
export function fixture(n = 6000): Fixture {
  const ranges = [
    { start: Math.floor(n / 4), end: Math.floor(n / 4) + 199 },
    { start: Math.floor((3 * n) / 4), end: Math.floor((3 * n) / 4) + 9 },
  ];
  const g = gaussian(rng(7));
  const series = new Float64Array(n);
  const scores = new Float64Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = ranges.some((r) => i >= r.start && i <= r.end) ? 1 : 0;
    series[i] = Math.sin(i / 50) + 0.05 * g() + (labels[i] ? 1.5 : 0);
    scores[i] = Math.abs(0.2 * g()) + (labels[i] ? 1 + Math.abs(g()) : 0);
  }
  return { n, series, scores, labels, threshold: 0.8, ranges };
}

/** One spec from every builder, named. */
export function allSpecs(f: Fixture = fixture()): Record<string, ChartSpec> {
  const g = gaussian(rng(3));
  const roc = rocCurve(f.scores, f.labels);
  const pr = prCurve(f.scores, f.labels);
  const table = thresholdTable(f.scores, f.labels);
  const normal = f.scores.filter((_, i) => f.labels[i] === 0);
  const anomalous = f.scores.filter((_, i) => f.labels[i] === 1);
  const m = 600;
  const ex = Float64Array.from({ length: m }, (_, i) => g() + (i % 6 === 0 ? 4 : 0));
  const ey = Float64Array.from({ length: m }, () => g());
  return {
    score: scoreChart({
      scores: f.scores,
      threshold: f.threshold,
      anomalies: [{ ...f.ranges[0], label: 'injected level shift' }, f.ranges[1]],
    }),
    scoreWithSeries: scoreChart({
      title: 'Score with series',
      scores: f.scores,
      threshold: Float64Array.from(f.scores, (_, i) => 0.7 + 0.1 * Math.sin(i / 1000)),
      anomalies: [f.ranges[0]],
      series: [f.series, Float64Array.from(f.series, (v) => -v)],
      seriesNames: ['a', 'b'],
    }),
    waveform: waveformChart({
      actual: f.series.subarray(0, 800),
      predicted: Float64Array.from(f.series.subarray(0, 800), (v) => v * 0.9),
    }),
    errorCdf: errorCdfChart({
      validation: normal,
      anomalies: [
        { name: 'level shift', errors: anomalous.subarray(0, 200) },
        { name: 'spike', errors: anomalous.subarray(200) },
      ],
      fprLines: [0.01, 0.05],
    }),
    roc: rocChart({
      curves: [{ name: 'fixture', fpr: roc.fpr, tpr: roc.tpr, auc: rocAuc(f.scores, f.labels) }],
    }),
    pr: prChart({
      curves: {
        name: 'fixture',
        recall: pr.recall,
        precision: pr.precision,
        averagePrecision: averagePrecision(f.scores, f.labels),
      },
      prevalence: anomalous.length / f.n,
    }),
    threshold: thresholdChart({
      threshold: table.threshold,
      detectionRatio: table.detectionRatio,
      recall: table.recall,
      f1: table.f1,
    }),
    tsne: tsneChart({
      x: ex,
      y: ey,
      anomalous: Uint8Array.from({ length: m }, (_, i) => (i % 6 === 0 ? 1 : 0)),
    }),
    loss: lossChart({
      train: Float64Array.from({ length: 40 }, (_, i) => 1 / (i + 1)),
      validation: Float64Array.from({ length: 40 }, (_, i) => 1.3 / (i + 1) + 0.02),
    }),
  };
}
