// Workflow `labelled-channels` (telemanom style): a label table (telemanom's
// labeled_anomalies.csv, or a per-channel table chan_id,num_values,
// num_true_anoms,start1,end1,...) and a folder of per-channel series
// (train/<chan> and test/<chan>, .npy.gz / .npy / .csv). Per channel: an LSTM
// forecaster learns the training series (one column, default 0); its per-step
// prediction error on the test series, EWMA-smoothed, is the score. Written per
// channel: the per-threshold table (detection ratio, recall, precision, F1) and
// chart with the break-even point, the ROC, the score plot with the labelled
// ranges and the dynamic threshold, t-SNE maps of test windows before (raw)
// and after (the model's error contributions), and the scores CSV; telemanom's
// dynamic threshold picks ranges, counted at event level (TP/FP/FN) against the
// labelled ones.
//
// Alignment: the first window x downsample steps of a test series have no
// prediction; errors, curves and the threshold start after them, and every
// range and CSV row is in the test series' own step indices.
import { existsSync, readFileSync } from 'node:fs';
import { makeDirs } from '../../io/make-dirs.js';
import { join, resolve } from 'node:path';
import { readSeries } from '../../data/read-series.js';
import { sliceRows, type Series } from '../../data/series.js';
import { readChannelRangeTable, readTelemanomLabels } from '../../data/telemanom.js';
import { mergeRanges, type IndexRange } from '../../data/ranges.js';
import { bySeverity } from '../../alarms/incident.js';
import { FORECASTER_SCHEMA, type ForecasterConfig } from '../../detectors/forecaster.js';
import { thresholdTable } from '../../metrics/threshold-table.js';
import { breakEvenPoint } from '../../metrics/break-even.js';
import { rocAuc, rocCurve } from '../../metrics/roc.js';
import { TELEMANOM_THRESHOLD } from '../../thresholds/dynamic-threshold.js';
import {
  firstForecastStep,
  forecastHorizonSteps,
  telemanomDetect,
  telemanomEvents,
  telemanomForecaster,
  type TelemanomThresholdOptions,
} from '../telemanom.js';
import { scoreChart } from '../../report/score-chart.js';
import { rocChart } from '../../report/roc-chart.js';
import { thresholdChart } from '../../report/threshold-chart.js';
import { tsneChart } from '../../report/tsne-chart.js';
import {
  tsne,
  subsampleIndices,
  TSNE_WINDOW_SCHEMA,
  type TsneWindowSettings,
} from '../../report/tsne.js';
import { writeChart } from '../../report/write-chart.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { Schema } from '../../config/schema.js';
import { ConfigError } from '../../config/errors.js';
import { validatePartialConfig } from './partial-config.js';
import {
  defineWorkflow,
  type Workflow,
  type WorkflowContext,
  type WorkflowResult,
} from './workflow.js';
import { columnMeanStd } from '../../data/column-stats.js';

const THRESHOLD_SCHEMA: Schema = {
  smoothingWindow: { type: 'number', min: 1 },
  windowSize: { type: 'int', min: 1 },
  stepSize: { type: 'int', min: 1 },
  errorBuffer: { type: 'int', min: 0 },
  p: { type: 'number', min: 0, max: 1 },
  zStep: { type: 'number', min: 0, exclusiveMin: true },
  inverse: { type: 'boolean' },
  maxSequences: { type: 'int', min: 0 },
  maxAnomalousFraction: { type: 'number', min: 0, max: 1, exclusiveMin: true },
  minPeakError: { type: 'number' },
  ignoreFirst: { type: 'int', min: 0 },
  flattenFirst: { type: 'int', min: 0 },
  scaleChecks: { type: 'boolean' },
};

/** Fields of examples/labelled-channels/config.yaml (`model`, `threshold` and `tsne` are mappings, checked on their own). */
export const LABELLED_CHANNELS_SCHEMA: Schema = {
  labels: { type: 'string' },
  /** A list of channel ids, checked on its own (listed here to be known). */
  channels: { type: 'string' },
  data: { type: 'string' },
  column: { type: 'int', min: 0 },
};

type ThresholdSettings = TelemanomThresholdOptions;

interface Settings {
  labels: string;
  data: string;
  channels: string[];
  column: number;
  model: Partial<ForecasterConfig>;
  threshold: ThresholdSettings;
  tsne: TsneWindowSettings;
}

/** telemanom's forecaster, smaller: [32, 32] instead of [80, 80], every 2nd training window. */
const MODEL_DEFAULTS: Partial<ForecasterConfig> = {
  network: 'lstm',
  window: 250,
  horizon: 10,
  hidden: [32, 32],
  trainShift: 2,
  scaler: 'none',
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-3,
};

/** telemanom's threshold settings (errors of data scaled to [-1, 1]). */
const THRESHOLD_DEFAULTS: ThresholdSettings = { ...TELEMANOM_THRESHOLD, scaleChecks: true };

const TSNE_DEFAULTS: TsneWindowSettings = {
  window: 25,
  shift: 5,
  maxPoints: 600,
  perplexity: 30,
  iterations: 300,
};

/** --quick: one channel, short slices, 1 epoch of a tiny LSTM, a small t-SNE. */
const QUICK = {
  trainSteps: 1000,
  /** Test steps kept before the first labelled range and after its end. */
  before: 500,
  after: 300,
  model: {
    window: 50,
    horizon: 5,
    hidden: [8],
    trainShift: 4,
    epochs: 1,
  } as Partial<ForecasterConfig>,
  tsne: { maxPoints: 120, iterations: 100, shift: 5 },
};

function settings(ctx: WorkflowContext): Settings {
  const { channels, ...rest } = ctx.config;
  // model (forecaster settings), threshold and tsne: any subset of their fields.
  validatePartialConfig(rest, LABELLED_CHANNELS_SCHEMA, {
    model: FORECASTER_SCHEMA,
    threshold: THRESHOLD_SCHEMA,
    tsne: TSNE_WINDOW_SCHEMA,
  });
  const c = rest as Partial<Omit<Settings, 'channels'>>;
  if (c.labels === undefined) throw new ConfigError('config: labels (the label table) is required');
  if (c.data === undefined)
    throw new ConfigError('config: data (the folder holding train/ and test/) is required');
  let list = ['P-1', 'S-1', 'E-1'];
  if (channels !== undefined) {
    if (
      !Array.isArray(channels) ||
      channels.length === 0 ||
      !channels.every((x) => typeof x === 'string' && x !== '')
    )
      throw new ConfigError(
        `config.channels: expected a non-empty list of channel ids, got ${JSON.stringify(channels)}`,
      );
    list = channels as string[];
  }
  const s: Settings = {
    labels: resolve(ctx.baseDir, c.labels),
    data: resolve(ctx.baseDir, c.data),
    channels: list,
    column: c.column ?? 0,
    model: { ...MODEL_DEFAULTS, ...(c.model ?? {}) },
    threshold: { ...THRESHOLD_DEFAULTS, ...(c.threshold ?? {}) },
    tsne: { ...TSNE_DEFAULTS, ...(c.tsne ?? {}) },
  };
  if (ctx.quick) {
    s.channels = s.channels.slice(0, 1);
    s.model = { ...s.model, ...QUICK.model };
    s.tsne = { ...s.tsne, ...QUICK.tsne };
  }
  return s;
}

/** Labelled ranges per channel, merged (a channel may have several rows), with the test length. */
function readLabelTable(path: string): Map<string, { ranges: IndexRange[]; numValues: number }> {
  let head: string;
  try {
    head = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  } catch (err) {
    throw new ConfigError(`config.labels: cannot read ${path} (${(err as Error).message})`);
  }
  const rows = head.includes('anomaly_sequences')
    ? readTelemanomLabels(path)
    : head.includes('num_true_anoms')
      ? readChannelRangeTable(path)
      : undefined;
  if (!rows)
    throw new ConfigError(
      `config.labels: ${path} is neither telemanom's labeled_anomalies.csv nor a chan_id,num_values,num_true_anoms,start1,end1,... table`,
    );
  const out = new Map<string, { ranges: IndexRange[]; numValues: number }>();
  for (const r of rows) {
    const e = out.get(r.channel) ?? { ranges: [], numValues: r.numValues };
    e.ranges.push(...r.ranges);
    out.set(r.channel, e);
  }
  for (const e of out.values()) e.ranges = mergeRanges(e.ranges);
  return out;
}

function seriesFile(dir: string, channel: string): string {
  for (const ext of ['.npy.gz', '.npy', '.csv']) {
    const p = join(dir, channel + ext);
    if (existsSync(p)) return p;
  }
  throw new ConfigError(`no series for channel ${channel} in ${dir} (.npy.gz, .npy or .csv)`);
}

const num = (v: number) => (Number.isFinite(v) ? +v.toPrecision(6) : v);

function csv(header: string[], rows: (string | number)[][]): string {
  return [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

/** Rows [starts[i], starts[i] + w) of one-value-per-step data, flattened; optionally z-scored. */
function gather(values: ArrayLike<number>, starts: Int32Array, w: number, zscore: boolean) {
  let mean = 0;
  let sd = 1;
  if (zscore) {
    const s = columnMeanStd(values);
    mean = s.mean;
    sd = s.std || 1;
  }
  const out = new Float64Array(starts.length * w);
  for (let i = 0; i < starts.length; i++)
    for (let k = 0; k < w; k++) out[i * w + k] = (values[starts[i]! + k]! - mean) / sd;
  return out;
}

interface ChannelResult {
  channel: string;
  trainSteps: number;
  testSteps: number;
  /** Step of the original test series where the (quick) slice starts. */
  testOffset: number;
  firstScoredStep: number;
  labelled: IndexRange[];
  predicted: IndexRange[];
  severities: number[];
  tp: number;
  fp: number;
  fn: number;
  /** TPs crediting every labelled range a prediction overlaps (telemanom credits the first). */
  lenientTp: number;
  aucRoc: number | null;
  breakEven: { threshold: number; recall: number; detectionRatio: number; value: number } | null;
  bestF1: number | null;
  epochs: number;
  finalLoss: number;
  trainSeconds: number;
  tsneKl: { before: number; after: number } | null;
}

async function runChannel(
  ctx: WorkflowContext,
  s: Settings,
  channel: string,
  label: { ranges: IndexRange[]; numValues: number },
  files: string[],
): Promise<ChannelResult> {
  const dir = join(ctx.out, channel);
  makeDirs(dir);
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileAtomic(p, text);
    files.push(p);
  };
  const chart = async (name: string, spec: Parameters<typeof writeChart>[1]) => {
    const w = await writeChart(join(dir, name), spec);
    files.push(w.pngPath, w.svgPath);
  };

  let train: Series = readSeries(seriesFile(join(s.data, 'train'), channel), {
    columns: [s.column],
  });
  let test: Series = readSeries(seriesFile(join(s.data, 'test'), channel), {
    columns: [s.column],
  });
  if (test.length !== label.numValues)
    throw new ConfigError(
      `${channel}: the label table says ${label.numValues} test values, the test series has ${test.length}`,
    );
  let ranges = label.ranges;
  let offset = 0;
  if (ctx.quick) {
    train = sliceRows(train, 0, Math.min(train.length, QUICK.trainSteps));
    const first = ranges[0];
    const from = first ? Math.max(0, first[0] - QUICK.before) : 0;
    const to = first
      ? Math.min(test.length, first[1] + QUICK.after + 1)
      : Math.min(test.length, QUICK.before + QUICK.after);
    test = sliceRows(test, from, to);
    offset = from;
    ranges = ranges
      .filter(([a, b]) => b >= from && a < to)
      .map(([a, b]): IndexRange => [Math.max(a, from) - from, Math.min(b, to - 1) - from]);
  }
  const n = test.length;
  const mask = new Uint8Array(n);
  for (const [a, b] of ranges) mask.fill(1, a, b + 1);
  ctx.log(
    `${channel}: train ${train.length} steps, test ${n} steps${offset ? ` (from step ${offset})` : ''}, labelled ${JSON.stringify(ranges.map(([a, b]) => [a + offset, b + offset]))}`,
  );

  const forecaster = telemanomForecaster(s.model);
  const summary = await forecaster.fit(train, {
    seed: ctx.seed,
    onEpoch: (r) =>
      ctx.log(
        `${channel} epoch ${r.epoch}: loss ${r.loss.toExponential(3)} (${r.seconds.toFixed(1)} s)`,
      ),
  });
  const start = firstForecastStep(forecaster);
  if (n - start - forecastHorizonSteps(forecaster) < 2)
    throw new ConfigError(
      `${channel}: the test series (${n} steps) is not longer than the window and the horizon`,
    );

  // The telemanom pipeline: errors |y - yhat|, dynamic threshold, flagged ranges.
  const {
    errors,
    threshold: dyn,
    ranges: predicted,
    incidents,
  } = telemanomDetect(forecaster, test, s.threshold);
  const m = errors.length;
  const values = test.data.subarray(start, start + m);
  const scores = dyn.smoothedErrors;
  const labels = mask.subarray(start, start + m);
  // Per-step epsilon: each step takes the epsilon of the evaluation window that labels it.
  const epsilon = new Float32Array(m);
  let labelledUpTo = 0;
  for (const w of dyn.epsilons) {
    epsilon.fill(w.epsilon, labelledUpTo, w.end + 1);
    labelledUpTo = w.end + 1;
  }
  const flagged = new Uint8Array(m);
  for (const [a, b] of dyn.ranges) flagged.fill(1, a, b + 1);
  const events = telemanomEvents(predicted, ranges);
  // The flagged ranges as incidents (in this file's steps), most severe first.
  write(
    'incidents.json',
    JSON.stringify(
      bySeverity(incidents).map((i) => ({
        ...i,
        start: i.start + offset,
        end: i.end + offset,
        peakStep: i.peakStep + offset,
      })),
      null,
      2,
    ) + '\n',
  );

  write(
    'scores.csv',
    csv(
      ['step', 'value', 'error', 'smoothed_error', 'epsilon', 'label', 'flagged'],
      Array.from({ length: m }, (_, t) => [
        t + start + offset,
        num(values[t]!),
        num(errors[t]!),
        num(scores[t]!),
        num(epsilon[t]!),
        labels[t]!,
        flagged[t]!,
      ]),
    ),
  );

  const positives = labels.reduce((a, b) => a + b, 0);
  let aucRoc: number | null = null;
  let breakEven: ChannelResult['breakEven'] = null;
  let bestF1: number | null = null;
  if (positives > 0 && positives < m) {
    const table = thresholdTable(scores, labels);
    write(
      'thresholds.csv',
      csv(
        ['threshold', 'detection_ratio', 'recall', 'precision', 'f1', 'tp', 'fp', 'tn', 'fn'],
        Array.from(table.threshold, (th, k) => [
          num(th),
          num(table.detectionRatio[k]!),
          num(table.recall[k]!),
          num(table.precision[k]!),
          num(table.f1[k]!),
          table.tp[k]!,
          table.fp[k]!,
          table.tn[k]!,
          table.fn[k]!,
        ]),
      ),
    );
    bestF1 = Math.max(...table.f1);
    breakEven = breakEvenPoint(scores, labels);
    aucRoc = rocAuc(scores, labels);
    const roc = rocCurve(scores, labels);
    await chart(
      'thresholds',
      thresholdChart({
        title: `${channel}: detection ratio, recall and F1 per threshold on the smoothed error`,
        threshold: table.threshold,
        detectionRatio: table.detectionRatio,
        recall: table.recall,
        f1: table.f1,
        precision: table.precision,
        breakEven: { threshold: breakEven.threshold, value: breakEven.value },
        xTitle: 'threshold (smoothed prediction error)',
      }),
    );
    await chart(
      'roc',
      rocChart({
        title: `${channel}: ROC of the smoothed prediction error (per step)`,
        curves: { name: 'LSTM forecaster', fpr: roc.fpr, tpr: roc.tpr, auc: aucRoc },
      }),
    );
  } else {
    ctx.log(`${channel}: the scored steps are all one class; no threshold table or ROC`);
  }
  await chart(
    'scores',
    scoreChart({
      title: `${channel}: smoothed prediction error, labelled ranges and the dynamic threshold`,
      scores,
      x: Float64Array.from({ length: m }, (_, t) => t + start + offset),
      xTitle: 'test step',
      threshold: epsilon,
      anomalies: ranges
        .filter(([, b]) => b >= start)
        .map(([a, b]) => ({ start: Math.max(a, start) - start, end: b - start })),
      series: values,
      seriesNames: [`${channel} column ${s.column}`],
      scoreTitle: 'smoothed error',
    }),
  );

  // t-SNE of test windows after the first `start` steps: raw values, then the
  // model's squared prediction errors over the same steps.
  let tsneKl: ChannelResult['tsneKl'] = null;
  const tw = s.tsne.window;
  const count = m >= tw ? Math.floor((m - tw) / s.tsne.shift) + 1 : 0;
  if (count >= 10) {
    const picked = subsampleIndices(count, s.tsne.maxPoints, ctx.seed);
    const starts = picked.map((i) => i * s.tsne.shift);
    const anomalous = Uint8Array.from(starts, (a) =>
      labels.subarray(a, a + tw).includes(1) ? 1 : 0,
    );
    const perStep = Float32Array.from(errors, (e) => e * e);
    const kl: number[] = [];
    for (const [name, data, title] of [
      ['tsne-before', gather(values, starts, tw, true), 'the raw test windows (z-scored)'],
      ['tsne-after', gather(perStep, starts, tw, false), "the model's squared prediction errors"],
    ] as const) {
      const r = tsne(data, starts.length, tw, {
        perplexity: s.tsne.perplexity,
        iterations: s.tsne.iterations,
        seed: ctx.seed,
      });
      kl.push(r.kl);
      await chart(
        name,
        tsneChart({
          x: r.x,
          y: r.y,
          anomalous,
          title: `${channel}: t-SNE of ${starts.length} windows of ${tw} steps, ${title}`,
        }),
      );
    }
    tsneKl = { before: kl[0]!, after: kl[1]! };
  }

  const result: ChannelResult = {
    channel,
    trainSteps: train.length,
    testSteps: n,
    testOffset: offset,
    firstScoredStep: start + offset,
    labelled: ranges.map(([a, b]): IndexRange => [a + offset, b + offset]),
    predicted: predicted.map(([a, b]): IndexRange => [a + offset, b + offset]),
    severities: dyn.scores.map(num),
    tp: events.tp,
    fp: events.fp,
    fn: events.fn,
    lenientTp: events.lenient.tp,
    aucRoc,
    breakEven,
    bestF1,
    epochs: summary.epochs,
    finalLoss: summary.finalLoss,
    trainSeconds: +summary.seconds.toFixed(1),
    tsneKl,
  };
  ctx.log(
    `${channel}: TP ${result.tp} FP ${result.fp} FN ${result.fn}; predicted ${JSON.stringify(result.predicted)}; ` +
      `AUC ${aucRoc === null ? '-' : aucRoc.toFixed(4)}, break-even ${breakEven ? breakEven.value.toFixed(4) : '-'}`,
  );
  return result;
}

async function run(ctx: WorkflowContext): Promise<WorkflowResult> {
  const s = settings(ctx);
  const table = readLabelTable(s.labels);
  const missing = s.channels.filter((c) => !table.has(c));
  if (missing.length > 0)
    throw new ConfigError(`config.channels: no label row for ${missing.join(', ')} in ${s.labels}`);
  const files: string[] = [];
  const results: ChannelResult[] = [];
  for (const channel of s.channels)
    results.push(await runChannel(ctx, s, channel, table.get(channel)!, files));

  const tp = results.reduce((a, r) => a + r.tp, 0);
  const fp = results.reduce((a, r) => a + r.fp, 0);
  const fn = results.reduce((a, r) => a + r.fn, 0);
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = ratio(2 * precision * recall, precision + recall);
  const path = join(ctx.out, 'channels.csv');
  writeFileAtomic(
    path,
    csv(
      [
        'channel',
        'train_steps',
        'test_steps',
        'labelled',
        'predicted',
        'tp',
        'fp',
        'fn',
        'auc_roc',
        'break_even',
        'best_f1',
        'train_seconds',
      ],
      results.map((r) => [
        r.channel,
        r.trainSteps,
        r.testSteps,
        r.labelled.length,
        r.predicted.length,
        r.tp,
        r.fp,
        r.fn,
        r.aucRoc === null ? '' : num(r.aucRoc),
        r.breakEven === null ? '' : num(r.breakEven.value),
        r.bestF1 === null ? '' : num(r.bestF1),
        r.trainSeconds,
      ]),
    ),
  );
  files.push(path);
  ctx.log(
    `all channels: TP ${tp} FP ${fp} FN ${fn}; P ${precision.toFixed(3)} R ${recall.toFixed(3)} F1 ${f1.toFixed(3)}`,
  );
  return {
    summary: {
      labels: s.labels,
      data: s.data,
      column: s.column,
      model: s.model,
      threshold: s.threshold,
      events: { tp, fp, fn, precision, recall, f1 },
      channels: results,
    },
    files,
  };
}

export const labelledChannelsWorkflow: Workflow = defineWorkflow(
  'labelled-channels',
  'telemanom style: per-channel LSTM forecaster, dynamic threshold (event TP/FP/FN), per-threshold table, ROC, t-SNE',
  run,
);
