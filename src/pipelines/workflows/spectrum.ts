// Spectrum workflow: power-spectrum frames of a radio (or vibration) recording, a stacked
// LSTM forecaster that predicts the next 25 frames from the 100 before, thresholds at the
// 0.90 / 0.95 / 0.99 quantiles of the validation windows' errors, and the share of windows
// of each anomaly file above each threshold. A window's error is the mean squared error
// (scaled units) of its predicted frames.
//
// Data: `synthetic: true` makes seeded recordings (a noisy baseband with a few steady,
// slowly fading carriers as normal; anomaly files with a switching narrowband interferer,
// wideband bursts, a drifting carrier); otherwise `.npy` recordings (1-D, or [n, 1]) are
// read from `normal`, optional `validation` and `anomalies: [{name, path}]`.
import { join } from 'node:path';
import { readNpy } from '../../data/npy.js';
import { toFloat32Array } from '../../data/ndarray.js';
import { createRng, type Rng } from '../../data/random.js';
import { createSeries, sliceRows, type Series } from '../../data/series.js';
import { powerSpectrum } from '../../data/spectrum.js';
import { Forecaster } from '../../detectors/forecaster.js';
import { errorCdfChart, writeChart } from '../../report/index.js';
import { ConfigError } from '../../config/errors.js';
import {
  booleanField,
  configPath,
  numberField,
  numberListField,
  round,
  stringField,
  writeCsv,
} from './config-fields.js';
import {
  defineWorkflow,
  type Workflow,
  type WorkflowContext,
  type WorkflowResult,
} from './workflow.js';

const NAME = 'spectrum';
const FRAME = 256;
const BINS = 128;

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

export type SyntheticKind = 'normal' | 'interferer' | 'wideband-burst' | 'drifting-carrier';
export const SYNTHETIC_ANOMALIES: readonly SyntheticKind[] = [
  'interferer',
  'wideband-burst',
  'drifting-carrier',
];

/**
 * A seeded synthetic recording of `frames * 256` samples: white noise (sd 1) and carriers
 * at bins 20, 45 and 90 (amplitudes 2, 1.5, 1) that fade slowly (periods of 40, 64 and 100
 * frames). 'interferer' adds a carrier at bin 64 that is on for 50 frames in every 100;
 * 'wideband-burst' adds bursts of noise (sd 3, 2-6 frames) starting in ~4% of frames;
 * 'drifting-carrier' moves the bin-45 carrier linearly to bin 70 over the recording.
 */
export function syntheticRecording(
  kind: SyntheticKind,
  frames: number,
  seed: number,
): Float32Array {
  const rng = createRng(seed);
  const n = frames * FRAME;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = gaussian(rng);
  const carriers = [
    { bin: 20, amp: 2, period: 40 },
    { bin: 45, amp: 1.5, period: 64 },
    { bin: 90, amp: 1, period: 100 },
  ];
  for (const c of carriers) {
    const drift = kind === 'drifting-carrier' && c.bin === 45;
    let phase = rng.next() * 2 * Math.PI;
    const fade = rng.next() * 2 * Math.PI;
    for (let i = 0; i < n; i++) {
      const bin = drift ? c.bin + (25 * i) / n : c.bin;
      phase += (2 * Math.PI * bin) / FRAME;
      const a = c.amp * (1 + 0.3 * Math.sin((2 * Math.PI * i) / (c.period * FRAME) + fade));
      x[i]! += a * Math.sin(phase);
    }
  }
  if (kind === 'interferer') {
    const phase = rng.next() * 2 * Math.PI;
    for (let i = 0; i < n; i++) {
      if (Math.floor(i / FRAME / 50) % 2 === 1)
        x[i]! += 1.5 * Math.sin(phase + (2 * Math.PI * 64 * i) / FRAME);
    }
  } else if (kind === 'wideband-burst') {
    for (let f = 0; f < frames; f++) {
      if (rng.next() >= 0.04) continue;
      const len = 2 + rng.nextInt(5);
      for (let i = f * FRAME; i < Math.min(n, (f + len) * FRAME); i++) x[i]! += 3 * gaussian(rng);
    }
  }
  return x;
}

/** 128-bin dB power-spectrum frames (frame 256, no overlap; the Nyquist bin dropped). */
export function spectrumFrames(recording: Float32Array): Series {
  const spec = powerSpectrum(createSeries({ data: recording, channels: 1 }), {
    frameSize: FRAME,
    hop: FRAME,
  });
  const data = new Float32Array(spec.length * BINS);
  for (let f = 0; f < spec.length; f++) {
    data.set(spec.data.subarray(f * spec.channels, f * spec.channels + BINS), f * BINS);
  }
  return createSeries({ data, channels: BINS });
}

function readRecording(path: string): Float32Array {
  const a = readNpy(path);
  if (!(a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1))) {
    throw new ConfigError(`${path}: expected a 1-D recording, found shape (${a.shape.join(', ')})`);
  }
  return toFloat32Array(a);
}

interface Sets {
  train: Series;
  validation: Series;
  anomalies: { name: string; frames: Series }[];
}

function loadSets(ctx: WorkflowContext): Sets {
  const c = ctx.config;
  if (booleanField(NAME, c, 'synthetic', false)) {
    const trainFrames = ctx.quick
      ? 300
      : numberField(NAME, c, 'trainFrames', 3000, { int: true, min: 200 });
    const valFrames = ctx.quick
      ? 200
      : numberField(NAME, c, 'validationFrames', 1000, { int: true, min: 150 });
    const anomalyFrames = ctx.quick
      ? 150
      : numberField(NAME, c, 'anomalyFrames', 600, { int: true, min: 150 });
    const seed = ctx.seed * 100;
    return {
      train: spectrumFrames(syntheticRecording('normal', trainFrames, seed + 1)),
      validation: spectrumFrames(syntheticRecording('normal', valFrames, seed + 2)),
      anomalies: SYNTHETIC_ANOMALIES.map((kind, i) => ({
        name: kind,
        frames: spectrumFrames(syntheticRecording(kind, anomalyFrames, seed + 3 + i)),
      })),
    };
  }
  const normalPath = stringField(NAME, c, 'normal');
  if (!normalPath)
    throw new ConfigError(`workflow ${NAME}: give synthetic: true or a normal .npy recording`);
  let normal = spectrumFrames(readRecording(configPath(ctx.baseDir, normalPath)));
  const valPath = stringField(NAME, c, 'validation');
  let validation: Series;
  if (valPath) {
    validation = spectrumFrames(readRecording(configPath(ctx.baseDir, valPath)));
  } else {
    const cut = Math.floor(normal.length * 0.7);
    validation = sliceRows(normal, cut);
    normal = sliceRows(normal, 0, cut);
  }
  const list = c.anomalies;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError(`workflow ${NAME}: anomalies must be a list of {name, path}`);
  }
  const anomalies = list.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const path = stringField(NAME, e, 'path');
    if (!path) throw new ConfigError(`workflow ${NAME}: anomalies[${i}] has no path`);
    const name = stringField(NAME, e, 'name') ?? path;
    return { name, frames: spectrumFrames(readRecording(configPath(ctx.baseDir, path))) };
  });
  if (ctx.quick) {
    const cap = (s: Series, n: number) => sliceRows(s, 0, Math.min(s.length, n));
    return {
      train: cap(normal, 300),
      validation: cap(validation, 200),
      anomalies: anomalies.map((a) => ({ name: a.name, frames: cap(a.frames, 150) })),
    };
  }
  return { train: normal, validation, anomalies };
}

/** The q-quantile as an order statistic: flagging errors above it flags at most 1 - q. */
function orderQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(n * q) - 1))]!;
}

async function run(ctx: WorkflowContext): Promise<WorkflowResult> {
  const c = ctx.config;
  const window = numberField(NAME, c, 'window', 100, { int: true, min: 1 });
  const horizon = numberField(NAME, c, 'horizon', 25, { int: true, min: 1 });
  const scoreShift = numberField(NAME, c, 'scoreShift', 5, { int: true, min: 1 });
  const quantiles = numberListField(NAME, c, 'quantiles', [0.9, 0.95, 0.99], { min: 0, max: 1 });
  const sets = loadSets(ctx);
  ctx.log(
    `spectrum: ${sets.train.length} training frames, ${sets.validation.length} validation frames, ` +
      `anomaly files ${sets.anomalies.map((a) => `${a.name} (${a.frames.length})`).join(', ')}`,
  );
  const detector = new Forecaster({
    network: 'stacked',
    window,
    horizon,
    hidden: ctx.quick
      ? [16, 16, 16]
      : numberListField(NAME, c, 'hidden', [64, 64, 64], { int: true, min: 1 }),
    batchNorm: booleanField(NAME, c, 'batchNorm', false),
    trainShift: numberField(NAME, c, 'trainShift', 2, { int: true, min: 1 }),
    epochs: ctx.quick ? 1 : numberField(NAME, c, 'epochs', 5, { int: true, min: 1 }),
    batchSize: numberField(NAME, c, 'batchSize', 64, { int: true, min: 1 }),
    learningRate: numberField(NAME, c, 'learningRate', 1e-3, { min: 0 }),
  });
  const t0 = performance.now();
  const training = await detector.fit(sets.train, {
    validation: sets.validation,
    seed: ctx.seed,
    onEpoch: (r) =>
      ctx.log(
        `epoch ${r.epoch}: loss ${r.loss.toExponential(3)}, validation ${r.validationLoss?.toExponential(3)} (${r.seconds.toFixed(1)} s)`,
      ),
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const validationErrors = detector.windowErrors(sets.validation, scoreShift);
  const anomalyErrors = sets.anomalies.map((a) => ({
    name: a.name,
    errors: detector.windowErrors(a.frames, scoreShift),
  }));
  const sorted = Float64Array.from(validationErrors).sort();
  const thresholds = quantiles.map((q) => ({ q, value: orderQuantile(sorted, q) }));

  const files: string[] = [];
  const errorRows: (string | number)[][] = [];
  for (const set of [{ name: 'validation', errors: validationErrors }, ...anomalyErrors]) {
    set.errors.forEach((e, k) => errorRows.push([set.name, k, k * scoreShift, e]));
  }
  const errorsCsv = join(ctx.out, 'window-errors.csv');
  writeCsv(errorsCsv, ['file', 'window', 'first_input_frame', 'error'], errorRows);
  files.push(errorsCsv);

  const tableRows: (string | number)[][] = [];
  const rates: Record<string, Record<string, number>> = {};
  for (const set of [{ name: 'validation', errors: validationErrors }, ...anomalyErrors]) {
    rates[set.name] = {};
    for (const t of thresholds) {
      let detected = 0;
      for (const e of set.errors) if (e > t.value) detected++;
      const rate = detected / set.errors.length;
      rates[set.name]![`q${t.q}`] = round(rate, 4);
      tableRows.push([set.name, t.q, t.value, set.errors.length, detected, rate]);
    }
  }
  const tableCsv = join(ctx.out, 'error-table.csv');
  writeCsv(tableCsv, ['file', 'quantile', 'threshold', 'windows', 'detected', 'rate'], tableRows);
  files.push(tableCsv);

  const chart = await writeChart(
    join(ctx.out, 'error-cdf'),
    errorCdfChart({
      title: 'Window errors: validation vs anomaly files',
      validation: validationErrors,
      anomalies: anomalyErrors,
      fprLines: quantiles.map((q) => 1 - q),
      xTitle: 'window MSE (scaled dB)',
      logX: true,
    }),
  );
  files.push(chart.svgPath, chart.pngPath);
  const modelDir = join(ctx.out, 'model');
  detector.save(modelDir);
  files.push(modelDir);

  return {
    summary: {
      frames: {
        train: sets.train.length,
        validation: sets.validation.length,
        ...Object.fromEntries(sets.anomalies.map((a) => [a.name, a.frames.length])),
      },
      network: {
        kind: 'stacked',
        hidden: detector.config.hidden,
        batchNorm: detector.config.batchNorm,
      },
      window,
      horizon,
      scoreShift,
      epochs: training.epochs,
      finalLoss: round(training.finalLoss),
      trainSeconds: round(trainSeconds, 4),
      thresholds: Object.fromEntries(thresholds.map((t) => [`q${t.q}`, round(t.value)])),
      detectionRate: rates,
    },
    files,
  };
}

export const spectrumWorkflow: Workflow = defineWorkflow(
  NAME,
  'stacked LSTM forecaster on power-spectrum frames; detection rate per anomaly file',
  run,
);
