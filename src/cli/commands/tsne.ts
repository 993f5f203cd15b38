// `normalcy tsne`: t-SNE maps of windows of a labelled series, coloured normal /
// anomalous: "before" embeds the raw windows (each channel z-scored over the
// file); "after", with --model, embeds what the model makes of the same windows.
//
// What "after" is, honestly: not a latent code. It is the model's per-step,
// per-channel score contributions (Detector.explain: squared prediction or
// reconstruction errors for the neural detectors, residuals or distances for the
// baselines) over the same windows, flattened. Windows the model finds normal
// have small, similar error profiles; anomalous ones stand apart if the model
// separates them. A true learned-representation view needs an encoder hook in the
// detectors and is left for later.
import type { Command } from 'commander';
import { join } from 'node:path';
import { makeDirs } from '../../io/make-dirs.js';
import { windowCount } from '../../data/windows.js';
import { loadDetector } from '../../detectors/registry.js';
import {
  tsne,
  subsampleIndices,
  TSNE_WINDOW_SCHEMA,
  type TsneWindowSettings,
} from '../../report/tsne.js';
import { tsneChart } from '../../report/tsne-chart.js';
import { writeChart } from '../../report/write-chart.js';
import {
  intFlag,
  numberFlag,
  progress,
  progressBar,
  readConfigFile,
  readLabels,
  stderrIsTty,
  UsageError,
} from '../common.js';
import { addSourceOptions, readData, type SourceFlags } from '../data-source.js';
import { mergeSettings, type Schema } from '../../config/schema.js';

interface TsneSettings extends TsneWindowSettings {
  seed: number;
}

/** Fields of a tsne --config file (the flags' names, camelCase). */
export const TSNE_SCHEMA: Schema = { ...TSNE_WINDOW_SCHEMA, seed: { type: 'int', min: 0 } };

const DEFAULTS: TsneSettings = {
  window: 1,
  shift: 1,
  maxPoints: 2000,
  perplexity: 30,
  iterations: 500,
  seed: 0,
};

interface TsneFlags extends Partial<TsneSettings>, SourceFlags {
  data: string;
  labels: string;
  out: string;
  model?: string;
  config?: string;
}

/**
 * Rows `[starts[i], starts[i] + window)` of a [length, channels] array, flattened,
 * one window per row; with `scale`, each channel is z-scored with the given means
 * and standard deviations.
 */
function gatherWindows(
  data: Float32Array,
  channels: number,
  starts: Int32Array,
  window: number,
  scale?: { mean: Float64Array; std: Float64Array },
): Float64Array {
  const d = window * channels;
  const out = new Float64Array(starts.length * d);
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i]! * channels;
    for (let k = 0; k < d; k++) {
      const v = data[from + k]!;
      const c = k % channels;
      out[i * d + k] = scale ? (v - scale.mean[c]!) / scale.std[c]! : v;
    }
  }
  return out;
}

function channelStats(data: Float32Array, channels: number) {
  const n = data.length / channels;
  const mean = new Float64Array(channels);
  const std = new Float64Array(channels);
  for (let t = 0; t < n; t++)
    for (let c = 0; c < channels; c++) mean[c]! += data[t * channels + c]!;
  for (let c = 0; c < channels; c++) mean[c]! /= n;
  for (let t = 0; t < n; t++)
    for (let c = 0; c < channels; c++) std[c]! += (data[t * channels + c]! - mean[c]!) ** 2;
  for (let c = 0; c < channels; c++) std[c] = Math.sqrt(std[c]! / n) || 1;
  return { mean, std };
}

export function registerTsne(program: Command): void {
  const command = program
    .command('tsne')
    .description(
      't-SNE maps of windows of a labelled series, before (raw) and after (the model view), normal vs anomalous',
    );
  addSourceOptions(command, 'series')
    .requiredOption(
      '--labels <file>',
      'anomaly labels: ranges (.json, or start,end .csv) or a 0/1 column (.csv) (required)',
    )
    .requiredOption('--out <dir>', 'directory for tsne-before.png/svg and tsne-after.png/svg')
    .option(
      '--model <dir>',
      "also map the model's view: its per-step error contributions (explain) over the same windows (default: none)",
    )
    .option('--window <n>', 'steps per window (default 1: one point per step)', intFlag('--window'))
    .option('--shift <s>', 'steps between window starts (default 1)', intFlag('--shift'))
    .option(
      '--max-points <n>',
      'seeded subsample of at most n windows (10-2000, default 2000)',
      intFlag('--max-points', 10),
    )
    .option('--perplexity <p>', 't-SNE perplexity (default 30)', numberFlag('--perplexity'))
    .option('--iterations <n>', 't-SNE iterations (default 500)', intFlag('--iterations', 10))
    .option('--seed <n>', 'seed of the subsample and of t-SNE (default 0)', intFlag('--seed', 0))
    .option(
      '--config <file>',
      'settings (.json or YAML): window, shift, maxPoints, perplexity, iterations, seed (default: none)',
    )
    .addHelpText(
      'after',
      `
A window is anomalous when any of its steps is labelled. "after" is not a
latent code: it is the model's per-step, per-channel score contributions
(squared prediction/reconstruction errors, or the baselines' residuals) over
the same windows.

Examples:
  normalcy tsne --data abn.csv --labels labels.json --window 25 --out tsne/
  normalcy tsne --data abn.csv --labels labels.json --window 25 --model model/ --max-points 1000 --out tsne/`,
    )
    .action(async (f: TsneFlags) => {
      const s = mergeSettings<TsneSettings>(
        readConfigFile(f.config),
        {
          window: f.window,
          shift: f.shift,
          maxPoints: f.maxPoints,
          perplexity: f.perplexity,
          iterations: f.iterations,
          seed: f.seed,
        },
        TSNE_SCHEMA,
        DEFAULTS,
      ) as TsneSettings;
      if (s.maxPoints > 2000 || s.maxPoints < 10)
        throw new UsageError(`--max-points: ${s.maxPoints} is not between 10 and 2000`);
      const detector = f.model ? loadDetector(f.model) : undefined;
      const series = await readData(f.data, f);
      const labels = readLabels(f.labels, series.length);
      const count = windowCount(series.length, { size: s.window, shift: s.shift });
      if (count < 2)
        throw new Error(
          `${f.data}: ${series.length} steps make ${count} window(s) of ${s.window}; t-SNE needs at least 2`,
        );
      const picked = subsampleIndices(count, s.maxPoints, s.seed);
      const starts = picked.map((i) => i * s.shift);
      const anomalous = new Uint8Array(starts.length);
      for (let i = 0; i < starts.length; i++)
        for (let t = starts[i]!; t < starts[i]! + s.window; t++)
          if (labels[t]) {
            anomalous[i] = 1;
            break;
          }
      const nAnom = anomalous.reduce((a, b) => a + b, 0);
      progress(
        `${f.data}: ${starts.length} of ${count} windows of ${s.window} step(s) (${nAnom} anomalous)`,
      );
      makeDirs(f.out);
      const views: { name: string; title: string; data: Float64Array; dim: number }[] = [
        {
          name: 'tsne-before',
          title: `t-SNE of the input windows (${s.window} step(s) x ${series.channels} channel(s))`,
          data: gatherWindows(
            series.data,
            series.channels,
            starts,
            s.window,
            channelStats(series.data, series.channels),
          ),
          dim: s.window * series.channels,
        },
      ];
      if (detector) {
        progress(`explaining ${f.data} with ${f.model}`);
        const contributions = detector.explain(series);
        const channels = contributions.length / series.length;
        views.push({
          name: 'tsne-after',
          title: `t-SNE of the model's error contributions over the same windows (${detector.name})`,
          data: gatherWindows(contributions, channels, starts, s.window),
          dim: s.window * channels,
        });
      }
      const written: string[] = [];
      for (const v of views) {
        const bar = progressBar(v.name, s.iterations);
        let result;
        try {
          result = tsne(v.data, starts.length, v.dim, {
            perplexity: s.perplexity,
            iterations: s.iterations,
            seed: s.seed,
            onIteration: (i) => bar.update(i),
          });
        } finally {
          bar.stop();
        }
        if (!stderrIsTty())
          progress(`${v.name}: ${s.iterations} iterations, KL ${result.kl.toFixed(3)}`);
        const chart = await writeChart(
          join(f.out, v.name),
          tsneChart({ x: result.x, y: result.y, anomalous, title: v.title }),
        );
        written.push(chart.pngPath, chart.svgPath);
      }
      for (const p of written) console.log(p);
    });
}
